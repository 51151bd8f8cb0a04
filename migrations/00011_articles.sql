-- What the agencies publish (resolution No. 507, Appendix 2): articles in "Useful
-- information", the publication schedule each agency keeps, and the reminders sent
-- when a publication is due or late.

-- +goose Up

-- One item of Appendix 2 that an agency publishes on a schedule (the information
-- items only: the statistics are reports). row_ref is the appendix's "row.item".
CREATE TABLE publication_schedule (
    id           bigserial PRIMARY KEY,
    agency_id    bigint NOT NULL REFERENCES agencies (id),
    row_ref      text   NOT NULL,
    topic        text   NOT NULL,
    period       text   NOT NULL CHECK (period IN ('weekly', 'fortnightly', 'monthly')),
    what_uz_latn text   NOT NULL,
    what_uz_cyrl text   NOT NULL,
    what_ru      text   NOT NULL,
    -- the first publication is due one period after this day
    starts_on    date   NOT NULL DEFAULT (now() AT TIME ZONE 'Asia/Tashkent')::date,
    UNIQUE (agency_id, row_ref)
);

-- An article in one topic, written by an agency's staff. Each language has its title
-- and text; langs names the languages published (a draft may have others half
-- written). media_url is an https link to a photo, a video or a document.
CREATE TABLE articles (
    id           bigserial PRIMARY KEY,
    agency_id    bigint      NOT NULL REFERENCES agencies (id),
    topic        text        NOT NULL,
    schedule_id  bigint      REFERENCES publication_schedule (id),  -- the item it fulfils; NULL: every item of its topic
    title_uz_latn text       NOT NULL DEFAULT '',
    title_uz_cyrl text       NOT NULL DEFAULT '',
    title_ru     text        NOT NULL DEFAULT '',
    text_uz_latn text        NOT NULL DEFAULT '',
    text_uz_cyrl text        NOT NULL DEFAULT '',
    text_ru      text        NOT NULL DEFAULT '',
    langs        text[]      NOT NULL DEFAULT '{}',
    media_kind   text        NOT NULL DEFAULT '' CHECK (media_kind IN ('', 'photo', 'video', 'document')),
    media_url    text        NOT NULL DEFAULT '' CHECK (media_url = '' OR media_url LIKE 'https://%'),
    status       text        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
    author_id    bigint      REFERENCES staff (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    CHECK (status <> 'published' OR published_at IS NOT NULL) -- a draft keeps when it was first published
);
-- "Useful information": the newest published of a topic.
CREATE INDEX articles_published ON articles (topic, published_at DESC, id DESC) WHERE status = 'published';
CREATE INDEX articles_by_agency ON articles (agency_id, id DESC);

-- A reminder of one schedule item's publication due on due_on: "soon" three days
-- before, "late" the day after. Each is made once.
CREATE TABLE publication_reminders (
    id          bigserial   PRIMARY KEY,
    schedule_id bigint      NOT NULL REFERENCES publication_schedule (id) ON DELETE CASCADE,
    due_on      date        NOT NULL,
    kind        text        NOT NULL CHECK (kind IN ('soon', 'late')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (schedule_id, due_on, kind)
);

-- Appendix 2, the information items (the topic each feeds: azizayol.InfoTopics).
INSERT INTO publication_schedule (agency_id, row_ref, topic, period, what_uz_latn, what_uz_cyrl, what_ru)
SELECT a.id, s.row_ref, s.topic, s.period, s.latn, s.cyrl, s.ru
FROM (VALUES
    ('employment', '1.3', 'skills', 'fortnightly',
     'Kasbga oʻrgatadigan oʻquv qoʻllanmalari va videomateriallar',
     'Касбга ўргатадиган ўқув қўлланмалари ва видеоматериаллар',
     'Учебные пособия и видеоматериалы по профессиям'),
    ('employment', '1.4', 'skills', 'monthly',
     '«Ishga marhamat» monomarkazlari va oʻquv markazlari, ulardagi kurslar va muddatlari',
     '«Ишга марҳамат» мономарказлари ва ўқув марказлари, улардаги курслар ва муддатлари',
     'Моноцентры «Ишга марҳамат» и учебные центры, их курсы и сроки'),
    ('chamber', '2.1', 'business', 'monthly',
     'Tadbirkor ayollarning motivatsion maqola va videodarslari',
     'Тадбиркор аёлларнинг мотивацион мақола ва видеодарслари',
     'Мотивационные статьи и видеоуроки женщин-предпринимателей'),
    ('chamber', '2.3', 'business', 'monthly',
     'Tadbirkorlikni boshlash uchun tayyor biznes namunalari',
     'Тадбиркорликни бошлаш учун тайёр бизнес намуналари',
     'Готовые бизнес-образцы для начала предпринимательства'),
    ('xalqbank', '2.1', 'business', 'monthly',
     'Tadbirkor ayollarning motivatsion maqola va videodarslari',
     'Тадбиркор аёлларнинг мотивацион мақола ва видеодарслари',
     'Мотивационные статьи и видеоуроки женщин-предпринимателей'),
    ('xalqbank', '2.3', 'business', 'monthly',
     'Tadbirkorlikni boshlash uchun tayyor biznes namunalari',
     'Тадбиркорликни бошлаш учун тайёр бизнес намуналари',
     'Готовые бизнес-образцы для начала предпринимательства'),
    ('xalqbank', '17.2', 'business', 'monthly',
     'Tadbirkorlik loyihalari, ayollarga tadbirkorlikni boshlashda beriladigan imtiyozlar',
     'Тадбиркорлик лойиҳалари, аёлларга тадбиркорликни бошлашда бериладиган имтиёзлар',
     'Предпринимательские проекты, льготы женщинам для начала предпринимательства'),
    ('mahalla', '2.1', 'business', 'monthly',
     'Tadbirkor ayollarning motivatsion maqola va videodarslari',
     'Тадбиркор аёлларнинг мотивацион мақола ва видеодарслари',
     'Мотивационные статьи и видеоуроки женщин-предпринимателей'),
    ('mahalla', '2.3', 'business', 'monthly',
     'Tadbirkorlikni boshlash uchun tayyor biznes namunalari',
     'Тадбиркорликни бошлаш учун тайёр бизнес намуналари',
     'Готовые бизнес-образцы для начала предпринимательства'),
    ('entrepreneurship', '2.1', 'business', 'monthly',
     'Tadbirkor ayollarning motivatsion maqola va videodarslari',
     'Тадбиркор аёлларнинг мотивацион мақола ва видеодарслари',
     'Мотивационные статьи и видеоуроки женщин-предпринимателей'),
    ('entrepreneurship', '2.3', 'business', 'monthly',
     'Tadbirkorlikni boshlash uchun tayyor biznes namunalari',
     'Тадбиркорликни бошлаш учун тайёр бизнес намуналари',
     'Готовые бизнес-образцы для начала предпринимательства'),
    ('justice', '3.2', 'rights', 'monthly',
     'Ayollar huquqlari: homiladorlik va tugʻish taʼtili, ijtimoiy nafaqalar, pensiya, tadbirkorlikdagi imtiyozlar',
     'Аёллар ҳуқуқлари: ҳомиладорлик ва туғиш таътили, ижтимоий нафақалар, пенсия, тадбиркорликдаги имтиёзлар',
     'Права женщин: декретный отпуск, социальные пособия, пенсия, льготы в предпринимательстве'),
    ('health', '4.3', 'health', 'monthly',
     'Tibbiy madaniyat va sogʻlom turmush tarzi haqida materiallar',
     'Тиббий маданият ва соғлом турмуш тарзи ҳақида материаллар',
     'Материалы о медицинской культуре и здоровом образе жизни'),
    ('rehab', '5.3', 'safety', 'fortnightly',
     'Xavfsiz oila: oldini olish, huquqiy, psixologik va tibbiy yordam boʻyicha maslahatlar va videorolikler',
     'Хавфсиз оила: олдини олиш, ҳуқуқий, психологик ва тиббий ёрдам бўйича маслаҳатлар ва видеороликлар',
     'Безопасная семья: профилактика, советы и видеоролики о правовой, психологической и медицинской помощи'),
    ('mahalla', '6.3', 'projects', 'weekly',
     'Ayollar manfaatlariga qaratilgan loyihalar va ularga berilgan imtiyozlar',
     'Аёллар манфаатларига қаратилган лойиҳалар ва уларга берилган имтиёзлар',
     'Проекты в интересах женщин и предоставленные им льготы'),
    ('mahalla', '6.7', 'laws', 'fortnightly',
     'Ayollar huquqlarini himoya qilish va oilani mustahkamlash boʻyicha islohotlar va yangi hujjatlar',
     'Аёллар ҳуқуқларини ҳимоя қилиш ва оилани мустаҳкамлаш бўйича ислоҳотлар ва янги ҳужжатлар',
     'Реформы и новые нормативные акты о защите прав женщин и укреплении семьи'),
    ('culture', '8', 'family', 'monthly',
     'Oilaviy qadriyatlar, farzand tarbiyasi, madaniy tadbirlar va badiiy adabiyot',
     'Оилавий қадриятлар, фарзанд тарбияси, маданий тадбирлар ва бадиий адабиёт',
     'Семейные ценности, воспитание детей, культурные мероприятия и художественная литература'),
    ('sport', '9', 'sport', 'monthly',
     'Ayollarni jismoniy tarbiya va sportga jalb qilish, oilaviy sport boʻyicha videomateriallar va qoʻllanmalar',
     'Аёлларни жисмоний тарбия ва спортга жалб қилиш, оилавий спорт бўйича видеоматериаллар ва қўлланмалар',
     'Видеоматериалы и пособия о физкультуре и спорте для женщин, семейном спорте')
) AS s (agency, row_ref, topic, period, latn, cyrl, ru)
JOIN agencies a ON a.code = s.agency;

-- +goose Down
DROP TABLE publication_reminders;
DROP TABLE articles;
DROP TABLE publication_schedule;
