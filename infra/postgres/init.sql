-- Runs once, when the postgres container initialises an empty data volume (docker-compose.yml).
-- The services create the database themselves when it is missing and each applies its own schema
-- migrations; this only makes the database exist up front.
SELECT 'CREATE DATABASE crm'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'crm')\gexec
