-- first table
CREATE TABLE first_table (id INTEGER NOT NULL PRIMARY KEY);
