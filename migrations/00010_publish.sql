-- What the agencies publish and broadcast, and who asked for it: the agencies of
-- resolution No. 507, Appendix 2 that were not here yet, her topic subscriptions, and
-- the place she chose for local news.

-- +goose Up

INSERT INTO agencies (code, kind, name_uz_latn, name_uz_cyrl, name_ru) VALUES
    ('chamber',         'chamber',         'Oʻzbekiston Savdo-sanoat palatasi', 'Ўзбекистон Савдо-саноат палатаси', 'Торгово-промышленная палата Узбекистана'),
    ('entrepreneurship','entrepreneurship','Tadbirkorlikni rivojlantirish agentligi', 'Тадбиркорликни ривожлантириш агентлиги', 'Агентство развития предпринимательства'),
    ('culture',         'culture',         'Madaniyat vazirligi',               'Маданият вазирлиги',               'Министерство культуры'),
    ('sport',           'sport',           'Turizm va sport vazirligi',         'Туризм ва спорт вазирлиги',         'Министерство туризма и спорта'),
    ('attestation',     'attestation',     'Oliy attestatsiya komissiyasi',     'Олий аттестация комиссияси',        'Высшая аттестационная комиссия'),
    ('school',          'school',          'Xalq taʼlimi vazirligi',            'Халқ таълими вазирлиги',            'Министерство народного образования'),
    ('higher_education','higher_education','Oliy va oʻrta maxsus taʼlim vazirligi', 'Олий ва ўрта махсус таълим вазирлиги', 'Министерство высшего и среднего специального образования'),
    ('statistics',      'statistics',      'Davlat statistika qoʻmitasi',       'Давлат статистика қўмитаси',        'Государственный комитет по статистике'),
    ('public_services', 'public_services', 'Davlat xizmatlari agentligi',       'Давлат хизматлари агентлиги',       'Агентство государственных услуг'),
    ('finance',         'finance',         'Moliya vazirligi',                  'Молия вазирлиги',                   'Министерство финансов'),
    ('interior',        'interior',        'Ichki ishlar vazirligi',            'Ички ишлар вазирлиги',              'Министерство внутренних дел');

-- The topics she wants broadcasts on (azizayol.InfoTopics); STOP by SMS and blocking
-- the bot still stop everything.
CREATE TABLE info_subscriptions (
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    topic      text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, topic)
);
CREATE INDEX info_subscriptions_by_topic ON info_subscriptions (topic, user_id);

-- The place she chose for local news (none: the whole country).
ALTER TABLE users ADD COLUMN region_code   text REFERENCES regions (code);
ALTER TABLE users ADD COLUMN district_code text REFERENCES districts (code);

-- +goose Down
ALTER TABLE users DROP COLUMN district_code;
ALTER TABLE users DROP COLUMN region_code;
DROP TABLE info_subscriptions;
DELETE FROM agencies WHERE code IN ('chamber', 'entrepreneurship', 'culture', 'sport', 'attestation', 'school',
    'higher_education', 'statistics', 'public_services', 'finance', 'interior');
