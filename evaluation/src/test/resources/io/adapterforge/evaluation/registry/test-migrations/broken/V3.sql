-- adds a broken table
CREATE TABLE half_done (id INTEGER);
INSERT INTO no_such_table (id) VALUES (1);
