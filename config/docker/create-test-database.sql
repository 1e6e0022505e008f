-- Run once by the postgres image when its volume is first initialised (docker-compose.yml):
-- the tests expect a `test` database on the server, beside Syncline's own.
CREATE DATABASE test;
