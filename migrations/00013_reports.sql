-- The agencies' periodic reports (resolution No. 507, Appendix 2): the statistical
-- indicators each agency owes the ministry, with how often and by when; the figures
-- agency staff submit for each period, every submission a new version; and the
-- reminders of what is due or late. Appendix 2's items that are not periodic
-- statistics ("Доимий", "Бир ой муддатда": consultations, integrations) and the
-- publications (articles, videos) are not here.

-- +goose Up
CREATE TABLE report_indicators (
    id           bigserial PRIMARY KEY,
    code         text    NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'), -- the CSV's indicator column
    appendix_row text    NOT NULL DEFAULT '',       -- Appendix 2's "row.item": 16.5
    agency_id    bigint  NOT NULL REFERENCES agencies (id),
    name_uz_latn text    NOT NULL,
    name_uz_cyrl text    NOT NULL,
    name_ru      text    NOT NULL,
    periodicity  text    NOT NULL CHECK (periodicity IN ('monthly', 'quarterly', 'half_yearly', 'yearly')),
    -- A monthly, quarterly or half-yearly period is due on this day of the month
    -- after it, late from the day after.
    due_day      int     NOT NULL DEFAULT 10 CHECK (due_day BETWEEN 1 AND 28),
    -- A yearly indicator's figures are given in this month ("in June every year"):
    -- the year opens on its first day and is due by its last.
    report_month int     NOT NULL DEFAULT 6 CHECK (report_month BETWEEN 1 AND 12),
    by_region    boolean NOT NULL,                  -- a line per region (SOATO 17xx), else one (1700)
    -- Columns that add up to the total: [{"code": "age_0_2", "names": {"UzLatn": …, "UzCyrl": …, "Ru": …}}]
    parts        jsonb   NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(parts) = 'array'),
    active       boolean NOT NULL DEFAULT true,
    -- The day the platform starts collecting it (by default the day it is added,
    -- for the seed the day of deployment): the periods owed are those that open on
    -- or after it (a month opens when it ends; a yearly indicator on the first of its
    -- report month), so none is owed, nor late, on the first day.
    starts       date    NOT NULL DEFAULT (now() AT TIME ZONE 'Asia/Tashkent')::date,
    position     int     NOT NULL DEFAULT 0
);
CREATE INDEX report_indicators_by_agency ON report_indicators (agency_id, position);

-- Every change of an indicator, with the indicator before and after (as JSON).
CREATE TABLE report_indicator_history (
    id           bigserial PRIMARY KEY,
    indicator_id bigint      NOT NULL REFERENCES report_indicators (id) ON DELETE CASCADE,
    at           timestamptz NOT NULL DEFAULT now(),
    by_email     text        NOT NULL,
    action       text        NOT NULL CHECK (action IN ('seed', 'add', 'edit')),
    old          jsonb,
    new          jsonb       NOT NULL
);
CREATE INDEX report_indicator_history_by_indicator ON report_indicator_history (indicator_id, id DESC);

-- One version of a period's figures. A period submitted again gets the next
-- version; no version is ever changed or deleted.
CREATE TABLE report_submissions (
    id           bigserial PRIMARY KEY,
    indicator_id bigint      NOT NULL REFERENCES report_indicators (id),
    period       text        NOT NULL CHECK (period ~ '^[0-9]{4}(-[0-9]{2}|-Q[1-4]|-H[12])?$'),
    version      int         NOT NULL CHECK (version > 0),
    staff_id     bigint      REFERENCES staff (id) ON DELETE SET NULL,
    by_name      text        NOT NULL, -- who submitted it, as she was then
    by_email     text        NOT NULL,
    submitted_at timestamptz NOT NULL DEFAULT now(),
    source       text        NOT NULL CHECK (source IN ('form', 'csv')),
    UNIQUE (indicator_id, period, version)
);

CREATE TABLE report_values (
    submission_id bigint NOT NULL REFERENCES report_submissions (id) ON DELETE CASCADE,
    region_code   text   NOT NULL CHECK (region_code ~ '^17[0-9]{2}$'), -- 1700: the whole country
    part          text   NOT NULL,                                      -- a part's code, or 'total'
    value         bigint NOT NULL CHECK (value >= 0),
    PRIMARY KEY (submission_id, region_code, part)
);

-- Reminders of a period due within five days, or late: each once per indicator,
-- period and kind, shown to every staff member of the indicator's agency (its admins
-- and the operators who submit), whoever works there when it is raised or later.
CREATE TABLE report_reminders (
    id           bigserial PRIMARY KEY,
    indicator_id bigint      NOT NULL REFERENCES report_indicators (id) ON DELETE CASCADE,
    period       text        NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('due_soon', 'late')),
    due_on       date        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (indicator_id, period, kind)
);

-- Appendix 2's periodic statistics, by agency, in the appendix's order. Names of the
-- indicators are ours (the appendix names what is uploaded, not one figure); the
-- Uzbek Cyrillic is the Latin through locales.ToCyrillic. Where the appendix bundles
-- figures that do not add up (total population and women; divorces, marriages and
-- births; those who left and those who came back) each is an indicator of its own;
-- women by age group (0–2 … 31+) add up to the number of women.
INSERT INTO report_indicators (code, appendix_row, agency_id, name_uz_latn, name_uz_cyrl, name_ru, periodicity, by_region, parts, position)
SELECT s.code, s.row, a.id, s.latn, s.cyrl, s.ru, s.periodicity, s.by_region, s.parts::jsonb, s.position
FROM (VALUES
    ('unemployed_women', '1.5', 'employment', 'Ishsiz xotin-qizlar soni', 'Ишсиз хотин-қизлар сони', 'Число безработных женщин', 'quarterly', true, '[]', 1),
    ('women_entrepreneurs', '2.2', 'chamber', 'Tadbirkor xotin-qizlar soni', 'Тадбиркор хотин-қизлар сони', 'Число женщин-предпринимателей', 'quarterly', true, '[]', 2),
    ('early_births', '4.2', 'health', 'Erta tugʻruqlar soni', 'Эрта туғруқлар сони', 'Число ранних родов', 'monthly', true, '[]', 3),
    ('rehab_women', '5.2', 'rehab', 'Reabilitatsiya va moslashtirish markazlariga murojaat qilgan xotin-qizlar soni', 'Реабилитация ва мослаштириш марказларига мурожаат қилган хотин-қизлар сони', 'Число женщин, обратившихся в центры реабилитации и адаптации', 'monthly', true, '[]', 4),
    ('leadership_reserve', '6.8', 'mahalla', 'Rahbarlik zaxirasiga olingan xotin-qizlar soni', 'Раҳбарлик захирасига олинган хотин-қизлар сони', 'Число женщин в резерве руководящих кадров', 'quarterly', true, '[]', 5),
    ('phd_women', '10.1', 'attestation', 'Falsafa doktori (PhD) ilmiy darajasiga ega xotin-qizlar soni', 'Фалсафа доктори (PhD) илмий даражасига эга хотин-қизлар сони', 'Число женщин с учёной степенью доктора философии (PhD)', 'quarterly', false, '[]', 6),
    ('dsc_women', '10.2', 'attestation', 'Fan doktori (DSc) ilmiy darajasiga ega xotin-qizlar soni', 'Фан доктори (DSc) илмий даражасига эга хотин-қизлар сони', 'Число женщин с учёной степенью доктора наук (DSc)', 'quarterly', false, '[]', 7),
    ('schoolgirls', '11.1', 'school', 'Umumiy oʻrta taʼlim muassasalaridagi oʻquvchi qizlar soni', 'Умумий ўрта таълим муассасаларидаги ўқувчи қизлар сони', 'Число учениц общеобразовательных школ', 'half_yearly', true, '[]', 8),
    ('talented_schoolgirls', '11.2', 'school', 'Iqtidorli oʻquvchi qizlar soni (olimpiada va tanlovlar gʻoliblari)', 'Иқтидорли ўқувчи қизлар сони (олимпиада ва танловлар ғолиблари)', 'Число одарённых учениц (призёров олимпиад и конкурсов)', 'half_yearly', true, '[]', 9),
    ('women_students', '12.1', 'higher_education', 'Oliy taʼlim muassasalaridagi talaba xotin-qizlar soni', 'Олий таълим муассасаларидаги талаба хотин-қизлар сони', 'Число студенток высших учебных заведений', 'half_yearly', true, '[]', 10),
    ('vocational_girls', '12.2', 'higher_education', 'Oʻrta maxsus, professional taʼlim muassasalaridagi oʻquvchi xotin-qizlar soni', 'Ўрта махсус, профессионал таълим муассасаларидаги ўқувчи хотин-қизлар сони', 'Число учащихся женщин средних специальных и профессиональных учреждений', 'half_yearly', true, '[]', 11),
    ('talented_students', '12.3', 'higher_education', 'Iqtidorli talaba qizlar soni (olimpiada va tanlovlar gʻoliblari)', 'Иқтидорли талаба қизлар сони (олимпиада ва танловлар ғолиблари)', 'Число одарённых студенток (призёров олимпиад и конкурсов)', 'half_yearly', true, '[]', 12),
    ('population', '13.1', 'statistics', 'Aholi soni', 'Аҳоли сони', 'Численность населения', 'yearly', true, '[]', 13),
    ('women_by_age', '13.1', 'statistics', 'Xotin-qizlar soni, yosh guruhlari boʻyicha', 'Хотин-қизлар сони, ёш гуруҳлари бўйича', 'Численность женщин по возрастным группам', 'yearly', true, '[{"code": "age_0_2", "names": {"UzLatn": "0–2 yosh", "UzCyrl": "0–2 ёш", "Ru": "0–2 года"}}, {"code": "age_3_6", "names": {"UzLatn": "3–6 yosh", "UzCyrl": "3–6 ёш", "Ru": "3–6 лет"}}, {"code": "age_7_17", "names": {"UzLatn": "7–17 yosh", "UzCyrl": "7–17 ёш", "Ru": "7–17 лет"}}, {"code": "age_18_30", "names": {"UzLatn": "18–30 yosh", "UzCyrl": "18–30 ёш", "Ru": "18–30 лет"}}, {"code": "age_31_plus", "names": {"UzLatn": "31 yosh va undan katta", "UzCyrl": "31 ёш ва ундан катта", "Ru": "31 год и старше"}}]', 14),
    ('women_16_54', '13.1', 'statistics', '16–54 yoshdagi xotin-qizlar soni', '16–54 ёшдаги хотин-қизлар сони', 'Численность женщин в возрасте 16–54 лет', 'yearly', true, '[]', 15),
    ('women_55_plus', '13.1', 'statistics', '55 yosh va undan katta xotin-qizlar soni', '55 ёш ва ундан катта хотин-қизлар сони', 'Численность женщин в возрасте 55 лет и старше', 'yearly', true, '[]', 16),
    ('families', '13.2', 'statistics', 'Oilalar soni', 'Оилалар сони', 'Число семей', 'yearly', true, '[]', 17),
    ('early_marriages', '14.1', 'public_services', 'Qayd etilgan erta nikohlar soni (nikoh yoshi hokim qarori bilan kamaytirilgan)', 'Қайд этилган эрта никоҳлар сони (никоҳ ёши ҳоким қарори билан камайтирилган)', 'Число зарегистрированных ранних браков (брачный возраст снижен решением хокима)', 'quarterly', true, '[]', 18),
    ('divorce_minor_children', '14.2', 'public_services', 'Nikohdan ajralish qayd etilgan oilalardagi voyaga yetmagan bolalar soni', 'Никоҳдан ажралиш қайд этилган оилалардаги вояга етмаган болалар сони', 'Число несовершеннолетних детей в семьях, где зарегистрирован развод', 'quarterly', true, '[]', 19),
    ('divorces_under_30', '14.3', 'public_services', '30 yoshgacha boʻlganlar orasida qayd etilgan nikohdan ajralishlar soni', '30 ёшгача бўлганлар орасида қайд этилган никоҳдан ажралишлар сони', 'Число зарегистрированных разводов среди лиц до 30 лет', 'quarterly', true, '[]', 20),
    ('marriages_under_30', '14.4', 'public_services', '30 yoshgacha boʻlganlar orasida qayd etilgan nikohlar soni', '30 ёшгача бўлганлар орасида қайд этилган никоҳлар сони', 'Число зарегистрированных браков среди лиц до 30 лет', 'quarterly', true, '[]', 21),
    ('divorces', '14.5', 'public_services', 'Qayd etilgan nikohdan ajralishlar soni', 'Қайд этилган никоҳдан ажралишлар сони', 'Число зарегистрированных разводов', 'monthly', true, '[]', 22),
    ('marriages', '14.5', 'public_services', 'Qayd etilgan nikohlar soni', 'Қайд этилган никоҳлар сони', 'Число зарегистрированных браков', 'monthly', true, '[]', 23),
    ('births', '14.5', 'public_services', 'Qayd etilgan tugʻilishlar soni', 'Қайд этилган туғилишлар сони', 'Число зарегистрированных рождений', 'monthly', true, '[]', 24),
    ('crimes_by_women', '16.1', 'interior', 'Xotin-qizlar tomonidan sodir etilgan jinoyatlar soni', 'Хотин-қизлар томонидан содир этилган жиноятлар сони', 'Число преступлений, совершённых женщинами', 'monthly', true, '[]', 25),
    ('crimes_against_women', '16.2', 'interior', 'Xotin-qizlarga nisbatan sodir etilgan jinoyatlar soni', 'Хотин-қизларга нисбатан содир этилган жиноятлар сони', 'Число преступлений, совершённых в отношении женщин', 'monthly', true, '[]', 26),
    ('returned_from_prison', '16.3', 'interior', 'Jazoni ijro etish muassasalaridan qaytgan xotin-qizlar soni', 'Жазони ижро этиш муассасаларидан қайтган хотин-қизлар сони', 'Число женщин, вернувшихся из учреждений исполнения наказаний', 'monthly', true, '[]', 27),
    ('probation_women', '16.4', 'interior', 'Probatsiya hisobida turgan xotin-qizlar soni', 'Пробация ҳисобида турган хотин-қизлар сони', 'Число женщин, состоящих на учёте пробации', 'monthly', true, '[]', 28),
    ('protection_orders', '16.5', 'interior', 'Himoya orderi berilgan xotin-qizlar soni', 'Ҳимоя ордери берилган хотин-қизлар сони', 'Число женщин, которым выдан охранный ордер', 'monthly', true, '[]', 29),
    ('women_emigrated', '16.6', 'interior', 'Uzoq muddatga xorijiy davlatlarga ketgan xotin-qizlar soni', 'Узоқ муддатга хорижий давлатларга кетган хотин-қизлар сони', 'Число женщин, выехавших в зарубежные страны на длительный срок', 'monthly', true, '[]', 30),
    ('women_returned_abroad', '16.6', 'interior', 'Uzoq muddatdan soʻng xorijiy davlatlardan qaytgan xotin-qizlar soni', 'Узоқ муддатдан сўнг хорижий давлатлардан қайтган хотин-қизлар сони', 'Число женщин, вернувшихся из зарубежных стран после длительного пребывания', 'monthly', true, '[]', 31),
    ('troubled_families', '16.7', 'interior', 'Notinch oilalar soni', 'Нотинч оилалар сони', 'Число неблагополучных семей', 'monthly', true, '[]', 32),
    ('crime_prone', '16.7', 'interior', 'Jinoyatchilikka moyilligi bor shaxslar soni', 'Жиноятчиликка мойиллиги бор шахслар сони', 'Число лиц, склонных к совершению преступлений', 'monthly', true, '[]', 33),
    ('women_credits', '17.1', 'xalqbank', 'Xotin-qizlar tadbirkorligi uchun berilgan kreditlar va subsidiyalar soni', 'Хотин-қизлар тадбиркорлиги учун берилган кредитлар ва субсидиялар сони', 'Число кредитов и субсидий, выданных на развитие женского предпринимательства', 'monthly', true, '[{"code": "credits", "names": {"UzLatn": "Kreditlar", "UzCyrl": "Кредитлар", "Ru": "Кредиты"}}, {"code": "subsidies", "names": {"UzLatn": "Subsidiyalar", "UzCyrl": "Субсидиялар", "Ru": "Субсидии"}}]', 34)
) AS s(code, row, agency, latn, cyrl, ru, periodicity, by_region, parts, position)
JOIN agencies a ON a.code = s.agency;

INSERT INTO report_indicator_history (indicator_id, by_email, action, new)
SELECT id, 'migration', 'seed', jsonb_build_object('code', code, 'row', appendix_row, 'agency_id', agency_id,
       'names', jsonb_build_object('UzLatn', name_uz_latn, 'UzCyrl', name_uz_cyrl, 'Ru', name_ru),
       'periodicity', periodicity, 'due_day', due_day, 'report_month', report_month, 'by_region', by_region,
       'parts', parts, 'active', active, 'starts', starts)
FROM report_indicators;

-- +goose Down
DROP TABLE report_reminders;
DROP TABLE report_values;
DROP TABLE report_submissions;
DROP TABLE report_indicator_history;
DROP TABLE report_indicators;
