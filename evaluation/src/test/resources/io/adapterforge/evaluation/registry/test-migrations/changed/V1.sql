-- first table
CREATE TABLE first_table (id BIGINT NOT NULL PRIMARY KEY);
