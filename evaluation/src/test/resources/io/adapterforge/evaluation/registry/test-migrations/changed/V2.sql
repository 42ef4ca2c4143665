-- second table
CREATE TABLE second_table (id INTEGER NOT NULL PRIMARY KEY);
INSERT INTO second_table (id) VALUES (1);
