-- A worker that released everything it holds (an empty release: it is stopping) is given no more
-- tasks on any replica until it registers again; lease requests check this flag under a share lock.
ALTER TABLE workers ADD COLUMN stopping boolean NOT NULL DEFAULT false;
