-- Agencies are shown by the plan's own words for them (issue 14): five
-- display names of the shipped directory were not the plan's. A database
-- made before keeps its agencies; where one still has the old shipped name,
-- it takes the plan's, and the old name stays an alias so that commands
-- typed with it still work. A name a coordinator changed is left alone.
INSERT INTO agency_aliases (alias, code)
SELECT name, code FROM agencies
WHERE (code, name) IN (VALUES
    ('KMSCP', 'Kent & Medway Safety Camera Partnership'),
    ('KCC-YS', 'KCC Youth Service'),
    ('KCC-CFE', 'KCC Children, Families and Education'),
    ('HOUSING', 'Housing Associations'),
    ('LANDLORDS', 'Landlords/Off Licences'))
ON CONFLICT (alias) DO NOTHING;

UPDATE agencies SET name = 'Kent & Medway Safer Cameras partnership' WHERE code = 'KMSCP' AND name = 'Kent & Medway Safety Camera Partnership';
UPDATE agencies SET name = 'Integrated Youth Service KCC' WHERE code = 'KCC-YS' AND name = 'KCC Youth Service';
UPDATE agencies SET name = 'KCC Children & Families' WHERE code = 'KCC-CFE' AND name = 'KCC Children, Families and Education';
UPDATE agencies SET name = 'Housing' WHERE code = 'HOUSING' AND name = 'Housing Associations';
UPDATE agencies SET name = 'Landlords/Off License' WHERE code = 'LANDLORDS' AND name = 'Landlords/Off Licences';
