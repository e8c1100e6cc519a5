-- A replica claims the deliveries it is about to send, so that several replicas sharing one
-- PostgreSQL database never post the same alert twice; a claim lapses if its replica dies.
ALTER TABLE deliveries ADD COLUMN lease_owner TEXT;

ALTER TABLE deliveries ADD COLUMN lease_until TEXT;
