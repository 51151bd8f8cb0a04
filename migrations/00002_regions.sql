-- Uzbekistan's regions (viloyatlar, the Republic of Karakalpakstan and Tashkent city)
-- and their districts (tumanlar) and cities of regional subordination (viloyat
-- ahamiyatidagi shaharlar), with their SOATO codes, for the appeal dialog: she picks
-- her region, then her district or city. Tashkent city's units are its districts.
-- Districts of other cities (Namangan's Davlatobod and Yangi Namangan, SOATO
-- 1714401365 and 1714401367) are not here: they are parts of a city in the list.
--
-- Data as of about 2022-2023, read 2026 from public copies of the classifier (none
-- carries a date; the newest units in them are Tashkent's Yangihayot, 2020, and
-- Kashkadarya's Koʻkdala district and Navoi's city Gʻozgʻon, both about 2022):
--   * vadi2/DHP-temp, input/manual-fsh/RegionsCS.fsh (commit 02a4b943): the codes and
--     Uzbek Latin names of every unit here;
--   * vadi2/DHP-temp, input/manual-fsh/regions.fsh (commit 0630047f), the full SOATO
--     with Russian names (terminology.medcore.uz): Koʻkdala, Namangan city's districts;
--   * dusadrian/wb-uzbek, src/libraries/districts.ts (commit 9144a707): the same codes
--     (all but Koʻkdala) with the classifier's Russian names, used for name_ru;
--   * sherzodbek2557791/yabo-shop, yabo-shop-api/src/main/resources/db/migration/
--     V1.2__insert_regions.sql (commit 0e2ed340): an older (about 2019) extract, the
--     codes of the units it has cross-checked against it.
-- Every code is in at least two of these files (Koʻkdala only in the two DHP-temp
-- ones). Latin names use the official apostrophes (oʻ gʻ U+02BB, tutuq U+02BC);
-- name_uz_cyrl is the Latin through locales.ToCyrillic, read over by eye and against
-- MIMAXUZ/uzbekistan-regions-data, CSV/districts.csv.

-- +goose Up
CREATE TABLE regions (
    code         text PRIMARY KEY CHECK (code ~ '^17[0-9]{2}$'), -- SOATO, 4 digits
    name_uz_latn text NOT NULL,
    name_uz_cyrl text NOT NULL,
    name_ru      text NOT NULL,
    position     int  NOT NULL                                   -- display order
);

CREATE TABLE districts (
    code         text PRIMARY KEY CHECK (code ~ '^17[0-9]{5}$'), -- SOATO, 7 digits
    region_code  text NOT NULL REFERENCES regions (code),
    name_uz_latn text NOT NULL,
    name_uz_cyrl text NOT NULL,
    name_ru      text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('district', 'city')) -- tuman or shahar
);
CREATE INDEX districts_region_code ON districts (region_code);

INSERT INTO regions (code, name_uz_latn, name_uz_cyrl, name_ru, position) VALUES
    ('1735', 'Qoraqalpogʻiston Respublikasi',   'Қорақалпоғистон Республикаси',    'Республика Каракалпакстан',    1),
    ('1703', 'Andijon viloyati',                'Андижон вилояти',                 'Андижанская область',          2),
    ('1706', 'Buxoro viloyati',                 'Бухоро вилояти',                  'Бухарская область',            3),
    ('1708', 'Jizzax viloyati',                 'Жиззах вилояти',                  'Джизакская область',           4),
    ('1710', 'Qashqadaryo viloyati',            'Қашқадарё вилояти',               'Кашкадарьинская область',      5),
    ('1712', 'Navoiy viloyati',                 'Навоий вилояти',                  'Навоийская область',           6),
    ('1714', 'Namangan viloyati',               'Наманган вилояти',                'Наманганская область',         7),
    ('1718', 'Samarqand viloyati',              'Самарқанд вилояти',               'Самаркандская область',        8),
    ('1722', 'Surxondaryo viloyati',            'Сурхондарё вилояти',              'Сурхандарьинская область',     9),
    ('1724', 'Sirdaryo viloyati',               'Сирдарё вилояти',                 'Сырдарьинская область',       10),
    ('1727', 'Toshkent viloyati',               'Тошкент вилояти',                 'Ташкентская область',         11),
    ('1730', 'Fargʻona viloyati',               'Фарғона вилояти',                 'Ферганская область',          12),
    ('1733', 'Xorazm viloyati',                 'Хоразм вилояти',                  'Хорезмская область',          13),
    ('1726', 'Toshkent shahri',                 'Тошкент шаҳри',                   'город Ташкент',               14);

-- Qoraqalpogʻiston Respublikasi (1735): 17
INSERT INTO districts (code, region_code, name_uz_latn, name_uz_cyrl, name_ru, kind) VALUES
    ('1735204', '1735', 'Amudaryo tumani',          'Амударё тумани',           'Амударьинский район',      'district'),
    ('1735207', '1735', 'Beruniy tumani',           'Беруний тумани',           'Берунийский район',        'district'),
    ('1735209', '1735', 'Boʻzatov tumani',          'Бўзатов тумани',           'Бозатауский район',        'district'),
    ('1735211', '1735', 'Qoraoʻzak tumani',         'Қораўзак тумани',          'Караузякский район',       'district'),
    ('1735212', '1735', 'Kegeyli tumani',           'Кегейли тумани',           'Кегейлийский район',       'district'),
    ('1735215', '1735', 'Qoʻngʻirot tumani',        'Қўнғирот тумани',          'Кунградский район',        'district'),
    ('1735218', '1735', 'Qonlikoʻl tumani',         'Қонликўл тумани',          'Канлыкульский район',      'district'),
    ('1735222', '1735', 'Moʻynoq tumani',           'Мўйноқ тумани',            'Муйнакский район',         'district'),
    ('1735225', '1735', 'Nukus tumani',             'Нукус тумани',             'Нукусский район',          'district'),
    ('1735228', '1735', 'Taxiatosh tumani',         'Тахиатош тумани',          'Тахиаташский район',       'district'),
    ('1735230', '1735', 'Taxtakoʻpir tumani',       'Тахтакўпир тумани',        'Тахтакупырский район',     'district'),
    ('1735233', '1735', 'Toʻrtkoʻl tumani',         'Тўрткўл тумани',           'Турткульский район',       'district'),
    ('1735236', '1735', 'Xoʻjayli tumani',          'Хўжайли тумани',           'Ходжейлийский район',      'district'),
    ('1735240', '1735', 'Chimboy tumani',           'Чимбой тумани',            'Чимбайский район',         'district'),
    ('1735243', '1735', 'Shumanay tumani',          'Шуманай тумани',           'Шуманайский район',        'district'),
    ('1735250', '1735', 'Ellikqalʼa tumani',        'Элликқалъа тумани',        'Элликкалинский район',     'district'),
    ('1735401', '1735', 'Nukus shahri',             'Нукус шаҳри',              'г. Нукус',                 'city');

-- Andijon viloyati (1703): 16
INSERT INTO districts (code, region_code, name_uz_latn, name_uz_cyrl, name_ru, kind) VALUES
    ('1703202', '1703', 'Oltinkoʻl tumani',         'Олтинкўл тумани',          'Алтынкульский район',      'district'),
    ('1703203', '1703', 'Andijon tumani',           'Андижон тумани',           'Андижанский район',        'district'),
    ('1703206', '1703', 'Baliqchi tumani',          'Балиқчи тумани',           'Балыкчинский район',       'district'),
    ('1703209', '1703', 'Boʻston tumani',           'Бўстон тумани',            'Бустонский район',         'district'),
    ('1703210', '1703', 'Buloqboshi tumani',        'Булоқбоши тумани',         'Булакбашинский район',     'district'),
    ('1703211', '1703', 'Jalaquduq tumani',         'Жалақудуқ тумани',         'Жалакудукский район',      'district'),
    ('1703214', '1703', 'Izboskan tumani',          'Избоскан тумани',          'Избасканский район',       'district'),
    ('1703217', '1703', 'Ulugʻnor tumani',          'Улуғнор тумани',           'Улугнорский район',        'district'),
    ('1703220', '1703', 'Qoʻrgʻontepa tumani',      'Қўрғонтепа тумани',        'Кургантепинский район',    'district'),
    ('1703224', '1703', 'Asaka tumani',             'Асака тумани',             'Асакинский район',         'district'),
    ('1703227', '1703', 'Marhamat tumani',          'Марҳамат тумани',          'Мархаматский район',       'district'),
    ('1703230', '1703', 'Shahrixon tumani',         'Шаҳрихон тумани',          'Шахриханский район',       'district'),
    ('1703232', '1703', 'Paxtaobod tumani',         'Пахтаобод тумани',         'Пахтаабадский район',      'district'),
    ('1703236', '1703', 'Xoʻjaobod tumani',         'Хўжаобод тумани',          'Ходжаабадский район',      'district'),
    ('1703401', '1703', 'Andijon shahri',           'Андижон шаҳри',            'г. Андижан',               'city'),
    ('1703408', '1703', 'Xonobod shahri',           'Хонобод шаҳри',            'г. Ханабад',               'city');

-- Buxoro viloyati (1706): 13
INSERT INTO districts (code, region_code, name_uz_latn, name_uz_cyrl, name_ru, kind) VALUES
    ('1706204', '1706', 'Olot tumani',              'Олот тумани',              'Алатский район',           'district'),
    ('1706207', '1706', 'Buxoro tumani',            'Бухоро тумани',            'Бухарский район',          'district'),
    ('1706212', '1706', 'Vobkent tumani',           'Вобкент тумани',           'Вабкентский район',        'district'),
    ('1706215', '1706', 'Gʻijduvon tumani',         'Ғиждувон тумани',          'Гиждуванский район',       'district'),
    ('1706219', '1706', 'Kogon tumani',             'Когон тумани',             'Каганский район',          'district'),
    ('1706230', '1706', 'Qorakoʻl tumani',          'Қоракўл тумани',           'Каракульский район',       'district'),
    ('1706232', '1706', 'Qorovulbozor tumani',      'Қоровулбозор тумани',      'Караулбазарский район',    'district'),
    ('1706240', '1706', 'Peshku tumani',            'Пешку тумани',             'Пешкунский район',         'district'),
    ('1706242', '1706', 'Romitan tumani',           'Ромитан тумани',           'Ромитанский район',        'district'),
    ('1706246', '1706', 'Jondor tumani',            'Жондор тумани',            'Жондорский район',         'district'),
    ('1706258', '1706', 'Shofirkon tumani',         'Шофиркон тумани',          'Шафирканский район',       'district'),
    ('1706401', '1706', 'Buxoro shahri',            'Бухоро шаҳри',             'г. Бухара',                'city'),
    ('1706403', '1706', 'Kogon shahri',             'Когон шаҳри',              'г. Каган',                 'city');

-- Jizzax viloyati (1708): 13
INSERT INTO districts (code, region_code, name_uz_latn, name_uz_cyrl, name_ru, kind) VALUES
    ('1708201', '1708', 'Arnasoy tumani',           'Арнасой тумани',           'Арнасайский район',        'district'),
    ('1708204', '1708', 'Baxmal tumani',            'Бахмал тумани',            'Бахмальский район',        'district'),
    ('1708209', '1708', 'Gʻallaorol tumani',        'Ғаллаорол тумани',         'Галляаральский район',     'district'),
    ('1708212', '1708', 'Sharof Rashidov tumani',   'Шароф Рашидов тумани',     'Шароф Рашидовский район',  'district'),
    ('1708215', '1708', 'Doʻstlik tumani',          'Дўстлик тумани',           'Дустликский район',        'district'),
    ('1708218', '1708', 'Zomin tumani',             'Зомин тумани',             'Зааминский район',         'district'),
    ('1708220', '1708', 'Zarbdor tumani',           'Зарбдор тумани',           'Зарбдарский район',        'district'),
    ('1708223', '1708', 'Mirzachoʻl tumani',        'Мирзачўл тумани',          'Мирзачульский район',      'district'),
    ('1708225', '1708', 'Zafarobod tumani',         'Зафаробод тумани',         'Зафарабадский район',      'district'),
    ('1708228', '1708', 'Paxtakor tumani',          'Пахтакор тумани',          'Пахтакорский район',       'district'),
    ('1708235', '1708', 'Forish tumani',            'Фориш тумани',             'Фаришский район',          'district'),
    ('1708237', '1708', 'Yangiobod tumani',         'Янгиобод тумани',          'Янгиабадский район',       'district'),
    ('1708401', '1708', 'Jizzax shahri',            'Жиззах шаҳри',             'г. Джизак',                'city');

-- Qashqadaryo viloyati (1710): 16
INSERT INTO districts (code, region_code, name_uz_latn, name_uz_cyrl, name_ru, kind) VALUES
    ('1710207', '1710', 'Gʻuzor tumani',            'Ғузор тумани',             'Гузарский район',          'district'),
    ('1710212', '1710', 'Dehqonobod tumani',        'Деҳқонобод тумани',        'Дехканабадский район',     'district'),
    ('1710220', '1710', 'Qamashi tumani',           'Қамаши тумани',            'Камашинский район',        'district'),
    ('1710224', '1710', 'Qarshi tumani',            'Қарши тумани',             'Каршинский район',         'district'),
    ('1710229', '1710', 'Koson tumani',             'Косон тумани',             'Касанский район',          'district'),
    ('1710232', '1710', 'Kitob tumani',             'Китоб тумани',             'Китабский район',          'district'),
    ('1710233', '1710', 'Mirishkor tumani',         'Миришкор тумани',          'Миришкорский район',       'district'),
    ('1710234', '1710', 'Muborak tumani',           'Муборак тумани',           'Мубарекский район',        'district'),
    ('1710235', '1710', 'Nishon tumani',            'Нишон тумани',             'Нишанский район',          'district'),
    ('1710237', '1710', 'Kasbi tumani',             'Касби тумани',             'Касбинский район',         'district'),
    ('1710240', '1710', 'Koʻkdala tumani',          'Кўкдала тумани',           'Кукдалинский район',       'district'),
    ('1710242', '1710', 'Chiroqchi tumani',         'Чироқчи тумани',           'Чиракчинский район',       'district'),
    ('1710245', '1710', 'Shahrisabz tumani',        'Шаҳрисабз тумани',         'Шахрисабзский район',      'district'),
    ('1710250', '1710', 'Yakkabogʻ tumani',         'Яккабоғ тумани',           'Яккабагский район',        'district'),
    ('1710401', '1710', 'Qarshi shahri',            'Қарши шаҳри',              'г. Карши',                 'city'),
    ('1710405', '1710', 'Shahrisabz shahri',        'Шаҳрисабз шаҳри',          'г. Шахрисабз',             'city');

-- Navoiy viloyati (1712): 11
INSERT INTO districts (code, region_code, name_uz_latn, name_uz_cyrl, name_ru, kind) VALUES
    ('1712211', '1712', 'Konimex tumani',           'Конимех тумани',           'Канимехский район',        'district'),
    ('1712216', '1712', 'Qiziltepa tumani',         'Қизилтепа тумани',         'Кызылтепинский район',     'district'),
    ('1712230', '1712', 'Navbahor tumani',          'Навбаҳор тумани',          'Навбахорский район',       'district'),
    ('1712234', '1712', 'Karmana tumani',           'Кармана тумани',           'Карманинский район',       'district'),
    ('1712238', '1712', 'Nurota tumani',            'Нурота тумани',            'Нуратинский район',        'district'),
    ('1712244', '1712', 'Tomdi tumani',             'Томди тумани',             'Тамдынский район',         'district'),
    ('1712248', '1712', 'Uchquduq tumani',          'Учқудуқ тумани',           'Учкудукский район',        'district'),
    ('1712251', '1712', 'Xatirchi tumani',          'Хатирчи тумани',           'Хатырчинский район',       'district'),
    ('1712401', '1712', 'Navoiy shahri',            'Навоий шаҳри',             'г. Навои',                 'city'),
    ('1712408', '1712', 'Zarafshon shahri',         'Зарафшон шаҳри',           'г. Зарафшан',              'city'),
    ('1712412', '1712', 'Gʻozgʻon shahri',          'Ғозғон шаҳри',             'г. Газган',                'city');

-- Namangan viloyati (1714): 12
INSERT INTO districts (code, region_code, name_uz_latn, name_uz_cyrl, name_ru, kind) VALUES
    ('1714204', '1714', 'Mingbuloq tumani',         'Мингбулоқ тумани',         'Мингбулакский район',      'district'),
    ('1714207', '1714', 'Kosonsoy tumani',          'Косонсой тумани',          'Касансайский район',       'district'),
    ('1714212', '1714', 'Namangan tumani',          'Наманган тумани',          'Наманганский район',       'district'),
    ('1714216', '1714', 'Norin tumani',             'Норин тумани',             'Нарынский район',          'district'),
    ('1714219', '1714', 'Pop tumani',               'Поп тумани',               'Папский район',            'district'),
    ('1714224', '1714', 'Toʻraqoʻrgʻon tumani',     'Тўрақўрғон тумани',        'Туракурганский район',     'district'),
    ('1714229', '1714', 'Uychi tumani',             'Уйчи тумани',              'Уйчинский район',          'district'),
    ('1714234', '1714', 'Uchqoʻrgʻon tumani',       'Учқўрғон тумани',          'Учкурганский район',       'district'),
    ('1714236', '1714', 'Chortoq tumani',           'Чортоқ тумани',            'Чартакский район',         'district'),
    ('1714237', '1714', 'Chust tumani',             'Чуст тумани',              'Чустский район',           'district'),
    ('1714242', '1714', 'Yangiqoʻrgʻon tumani',     'Янгиқўрғон тумани',        'Янгикурганский район',     'district'),
    ('1714401', '1714', 'Namangan shahri',          'Наманган шаҳри',           'г. Наманган',              'city');

-- Samarqand viloyati (1718): 16
INSERT INTO districts (code, region_code, name_uz_latn, name_uz_cyrl, name_ru, kind) VALUES
    ('1718203', '1718', 'Oqdaryo tumani',           'Оқдарё тумани',            'Акдарьинский район',       'district'),
    ('1718206', '1718', 'Bulungʻur tumani',         'Булунғур тумани',          'Булунгурский район',       'district'),
    ('1718209', '1718', 'Jomboy tumani',            'Жомбой тумани',            'Джамбайский район',        'district'),
    ('1718212', '1718', 'Ishtixon tumani',          'Иштихон тумани',           'Иштыханский район',        'district'),
    ('1718215', '1718', 'Kattaqoʻrgʻon tumani',     'Каттақўрғон тумани',       'Каттакурганский район',    'district'),
    ('1718216', '1718', 'Qoʻshrabot tumani',        'Қўшработ тумани',          'Кошрабадский район',       'district'),
    ('1718218', '1718', 'Narpay tumani',            'Нарпай тумани',            'Нарпайский район',         'district'),
    ('1718224', '1718', 'Payariq tumani',           'Паяриқ тумани',            'Пайарыкский район',        'district'),
    ('1718227', '1718', 'Pastdargʻom tumani',       'Пастдарғом тумани',        'Пастдаргомский район',     'district'),
    ('1718230', '1718', 'Paxtachi tumani',          'Пахтачи тумани',           'Пахтачийский район',       'district'),
    ('1718233', '1718', 'Samarqand tumani',         'Самарқанд тумани',         'Самаркандский район',      'district'),
    ('1718235', '1718', 'Nurobod tumani',           'Нуробод тумани',           'Нурабадский район',        'district'),
    ('1718236', '1718', 'Urgut tumani',             'Ургут тумани',             'Ургутский район',          'district'),
    ('1718238', '1718', 'Toyloq tumani',            'Тойлоқ тумани',            'Тайлякский район',         'district'),
    ('1718401', '1718', 'Samarqand shahri',         'Самарқанд шаҳри',          'г. Самарканд',             'city'),
    ('1718406', '1718', 'Kattaqoʻrgʻon shahri',     'Каттақўрғон шаҳри',        'г. Каттакурган',           'city');

-- Surxondaryo viloyati (1722): 15
INSERT INTO districts (code, region_code, name_uz_latn, name_uz_cyrl, name_ru, kind) VALUES
    ('1722201', '1722', 'Oltinsoy tumani',          'Олтинсой тумани',          'Алтынсайский район',       'district'),
    ('1722202', '1722', 'Angor tumani',             'Ангор тумани',             'Ангорский район',          'district'),
    ('1722203', '1722', 'Bandixon tumani',          'Бандихон тумани',          'Бандихонский район',       'district'),
    ('1722204', '1722', 'Boysun tumani',            'Бойсун тумани',            'Байсунский район',         'district'),
    ('1722207', '1722', 'Muzrabot tumani',          'Музработ тумани',          'Музрабадский район',       'district'),
    ('1722210', '1722', 'Denov tumani',             'Денов тумани',             'Денауский район',          'district'),
    ('1722212', '1722', 'Jarqoʻrgʻon tumani',       'Жарқўрғон тумани',         'Джаркурганский район',     'district'),
    ('1722214', '1722', 'Qumqoʻrgʻon tumani',       'Қумқўрғон тумани',         'Кумкурганский район',      'district'),
    ('1722215', '1722', 'Qiziriq tumani',           'Қизириқ тумани',           'Кизирикский район',        'district'),
    ('1722217', '1722', 'Sariosiyo tumani',         'Сариосиё тумани',          'Сариасийский район',       'district'),
    ('1722220', '1722', 'Termiz tumani',            'Термиз тумани',            'Термезский район',         'district'),
    ('1722221', '1722', 'Uzun tumani',              'Узун тумани',              'Узунский район',           'district'),
    ('1722223', '1722', 'Sherobod tumani',          'Шеробод тумани',           'Шерабадский район',        'district'),
    ('1722226', '1722', 'Shoʻrchi tumani',          'Шўрчи тумани',             'Шурчинский район',         'district'),
    ('1722401', '1722', 'Termiz shahri',            'Термиз шаҳри',             'г. Термез',                'city');

-- Sirdaryo viloyati (1724): 11
INSERT INTO districts (code, region_code, name_uz_latn, name_uz_cyrl, name_ru, kind) VALUES
    ('1724206', '1724', 'Oqoltin tumani',           'Оқолтин тумани',           'Акалтынский район',        'district'),
    ('1724212', '1724', 'Boyovut tumani',           'Боёвут тумани',            'Баяутский район',          'district'),
    ('1724216', '1724', 'Sayxunobod tumani',        'Сайхунобод тумани',        'Сайхунабадский район',     'district'),
    ('1724220', '1724', 'Guliston tumani',          'Гулистон тумани',          'Гулистанский район',       'district'),
    ('1724226', '1724', 'Sardoba tumani',           'Сардоба тумани',           'Сардобский район',         'district'),
    ('1724228', '1724', 'Mirzaobod tumani',         'Мирзаобод тумани',         'Мирзаабадский район',      'district'),
    ('1724231', '1724', 'Sirdaryo tumani',          'Сирдарё тумани',           'Сырдарьинский район',      'district'),
    ('1724235', '1724', 'Xovos tumani',             'Ховос тумани',             'Хавасский район',          'district'),
    ('1724401', '1724', 'Guliston shahri',          'Гулистон шаҳри',           'г. Гулистан',              'city'),
    ('1724410', '1724', 'Shirin shahri',            'Ширин шаҳри',              'г. Ширин',                 'city'),
    ('1724413', '1724', 'Yangiyer shahri',          'Янгиер шаҳри',             'г. Янгиер',                'city');

-- Toshkent viloyati (1727): 22
INSERT INTO districts (code, region_code, name_uz_latn, name_uz_cyrl, name_ru, kind) VALUES
    ('1727206', '1727', 'Oqqoʻrgʻon tumani',        'Оққўрғон тумани',          'Аккурганский район',       'district'),
    ('1727212', '1727', 'Ohangaron tumani',         'Оҳангарон тумани',         'Ахангаранский район',      'district'),
    ('1727220', '1727', 'Bekobod tumani',           'Бекобод тумани',           'Бекабадский район',        'district'),
    ('1727224', '1727', 'Boʻstonliq tumani',        'Бўстонлиқ тумани',         'Бостанлыкский район',      'district'),
    ('1727228', '1727', 'Boʻka tumani',             'Бўка тумани',              'Букинский район',          'district'),
    ('1727233', '1727', 'Quyi Chirchiq tumani',     'Қуйи Чирчиқ тумани',       'Куйичирчикский район',     'district'),
    ('1727237', '1727', 'Zangiota tumani',          'Зангиота тумани',          'Зангиатинский район',      'district'),
    ('1727239', '1727', 'Yuqori Chirchiq tumani',   'Юқори Чирчиқ тумани',      'Юкоричирчикский район',    'district'),
    ('1727248', '1727', 'Qibray tumani',            'Қибрай тумани',            'Кибрайский район',         'district'),
    ('1727249', '1727', 'Parkent tumani',           'Паркент тумани',           'Паркентский район',        'district'),
    ('1727250', '1727', 'Piskent tumani',           'Пискент тумани',           'Пскентский район',         'district'),
    ('1727253', '1727', 'Oʻrta Chirchiq tumani',    'Ўрта Чирчиқ тумани',       'Уртачирчикский район',     'district'),
    ('1727256', '1727', 'Chinoz tumani',            'Чиноз тумани',             'Чиназский район',          'district'),
    ('1727259', '1727', 'Yangiyoʻl tumani',         'Янгийўл тумани',           'Янгиюльский район',        'district'),
    ('1727265', '1727', 'Toshkent tumani',          'Тошкент тумани',           'Ташкентский район',        'district'),
    ('1727401', '1727', 'Nurafshon shahri',         'Нурафшон шаҳри',           'г. Нурафшон',              'city'),
    ('1727404', '1727', 'Olmaliq shahri',           'Олмалиқ шаҳри',            'г. Алмалык',               'city'),
    ('1727407', '1727', 'Angren shahri',            'Ангрен шаҳри',             'г. Ангрен',                'city'),
    ('1727413', '1727', 'Bekobod shahri',           'Бекобод шаҳри',            'г. Бекабад',               'city'),
    ('1727415', '1727', 'Ohangaron shahri',         'Оҳангарон шаҳри',          'г. Ахангаран',             'city'),
    ('1727419', '1727', 'Chirchiq shahri',          'Чирчиқ шаҳри',             'г. Чирчик',                'city'),
    ('1727424', '1727', 'Yangiyoʻl shahri',         'Янгийўл шаҳри',            'г. Янгиюль',               'city');

-- Fargʻona viloyati (1730): 19
INSERT INTO districts (code, region_code, name_uz_latn, name_uz_cyrl, name_ru, kind) VALUES
    ('1730203', '1730', 'Oltiariq tumani',          'Олтиариқ тумани',          'Алтыарыкский район',       'district'),
    ('1730206', '1730', 'Qoʻshtepa tumani',         'Қўштепа тумани',           'Куштепинский район',       'district'),
    ('1730209', '1730', 'Bogʻdod tumani',           'Боғдод тумани',            'Багдадский район',         'district'),
    ('1730212', '1730', 'Buvayda tumani',           'Бувайда тумани',           'Бувайдинский район',       'district'),
    ('1730215', '1730', 'Beshariq tumani',          'Бешариқ тумани',           'Бешарыкский район',        'district'),
    ('1730218', '1730', 'Quva tumani',              'Қува тумани',              'Кувинский район',          'district'),
    ('1730221', '1730', 'Uchkoʻprik tumani',        'Учкўприк тумани',          'Учкуприкский район',       'district'),
    ('1730224', '1730', 'Rishton tumani',           'Риштон тумани',            'Риштанский район',         'district'),
    ('1730226', '1730', 'Soʻx tumani',              'Сўх тумани',               'Сохский район',            'district'),
    ('1730227', '1730', 'Toshloq tumani',           'Тошлоқ тумани',            'Ташлакский район',         'district'),
    ('1730230', '1730', 'Oʻzbekiston tumani',       'Ўзбекистон тумани',        'Узбекистанский район',     'district'),
    ('1730233', '1730', 'Fargʻona tumani',          'Фарғона тумани',           'Ферганский район',         'district'),
    ('1730236', '1730', 'Dangʻara tumani',          'Данғара тумани',           'Дангаринский район',       'district'),
    ('1730238', '1730', 'Furqat tumani',            'Фурқат тумани',            'Фуркатский район',         'district'),
    ('1730242', '1730', 'Yozyovon tumani',          'Ёзёвон тумани',            'Язъяванский район',        'district'),
    ('1730401', '1730', 'Fargʻona shahri',          'Фарғона шаҳри',            'г. Фергана',               'city'),
    ('1730405', '1730', 'Qoʻqon shahri',            'Қўқон шаҳри',              'г. Коканд',                'city'),
    ('1730408', '1730', 'Quvasoy shahri',           'Қувасой шаҳри',            'г. Кувасай',               'city'),
    ('1730412', '1730', 'Margʻilon shahri',         'Марғилон шаҳри',           'г. Маргилан',              'city');

-- Xorazm viloyati (1733): 13
INSERT INTO districts (code, region_code, name_uz_latn, name_uz_cyrl, name_ru, kind) VALUES
    ('1733204', '1733', 'Bogʻot tumani',            'Боғот тумани',             'Багатский район',          'district'),
    ('1733208', '1733', 'Gurlan tumani',            'Гурлан тумани',            'Гурленский район',         'district'),
    ('1733212', '1733', 'Qoʻshkoʻpir tumani',       'Қўшкўпир тумани',          'Кошкупырский район',       'district'),
    ('1733217', '1733', 'Urganch tumani',           'Урганч тумани',            'Ургенчский район',         'district'),
    ('1733220', '1733', 'Hazorasp tumani',          'Ҳазорасп тумани',          'Хазараспский район',       'district'),
    ('1733221', '1733', 'Tuproqqalʼa tumani',       'Тупроққалъа тумани',       'Тупроккалинский район',    'district'),
    ('1733223', '1733', 'Xonqa tumani',             'Хонқа тумани',             'Ханкинский район',         'district'),
    ('1733226', '1733', 'Xiva tumani',              'Хива тумани',              'Хивинский район',          'district'),
    ('1733230', '1733', 'Shovot tumani',            'Шовот тумани',             'Шаватский район',          'district'),
    ('1733233', '1733', 'Yangiariq tumani',         'Янгиариқ тумани',          'Янгиарыкский район',       'district'),
    ('1733236', '1733', 'Yangibozor tumani',        'Янгибозор тумани',         'Янгибазарский район',      'district'),
    ('1733401', '1733', 'Urganch shahri',           'Урганч шаҳри',             'г. Ургенч',                'city'),
    ('1733406', '1733', 'Xiva shahri',              'Хива шаҳри',               'г. Хива',                  'city');

-- Toshkent shahri (1726): 12
INSERT INTO districts (code, region_code, name_uz_latn, name_uz_cyrl, name_ru, kind) VALUES
    ('1726262', '1726', 'Uchtepa tumani',           'Учтепа тумани',            'Учтепинский район',        'district'),
    ('1726264', '1726', 'Bektemir tumani',          'Бектемир тумани',          'Бектемирский район',       'district'),
    ('1726266', '1726', 'Yunusobod tumani',         'Юнусобод тумани',          'Юнусабадский район',       'district'),
    ('1726269', '1726', 'Mirzo Ulugʻbek tumani',    'Мирзо Улуғбек тумани',     'Мирзо-Улугбекский район',  'district'),
    ('1726273', '1726', 'Mirobod tumani',           'Миробод тумани',           'Мирабадский район',        'district'),
    ('1726277', '1726', 'Shayxontohur tumani',      'Шайхонтоҳур тумани',       'Шайхантахурский район',    'district'),
    ('1726280', '1726', 'Olmazor tumani',           'Олмазор тумани',           'Алмазарский район',        'district'),
    ('1726283', '1726', 'Sergeli tumani',           'Сергели тумани',           'Сергелийский район',       'district'),
    ('1726287', '1726', 'Yakkasaroy tumani',        'Яккасарой тумани',         'Яккасарайский район',      'district'),
    ('1726290', '1726', 'Yashnobod tumani',         'Яшнобод тумани',           'Яшнабадский район',        'district'),
    ('1726292', '1726', 'Yangihayot tumani',        'Янгиҳаёт тумани',          'Янгихаётский район',       'district'),
    ('1726294', '1726', 'Chilonzor tumani',         'Чилонзор тумани',          'Чиланзарский район',       'district');

-- +goose Down
DROP TABLE districts;
DROP TABLE regions;
