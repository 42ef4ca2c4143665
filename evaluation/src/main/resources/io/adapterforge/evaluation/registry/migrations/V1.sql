-- adapters, immutable versions with their files, aliases and alias history
-- Portable SQL: the same script runs on SQLite and PostgreSQL. Times are ISO-8601 UTC text.
CREATE TABLE adapter (
  adapter_id TEXT NOT NULL PRIMARY KEY,
  created_at TEXT NOT NULL
);

CREATE TABLE adapter_version (
  adapter_id TEXT NOT NULL REFERENCES adapter (adapter_id),
  version INTEGER NOT NULL,
  run_id TEXT NOT NULL,
  base_model_fingerprint TEXT NOT NULL,
  prepared_data_fingerprint TEXT NOT NULL,
  artifact_uri TEXT NOT NULL,
  config_json TEXT NOT NULL,
  metrics_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (adapter_id, version),
  CONSTRAINT adapter_version_run_unique UNIQUE (adapter_id, run_id),
  CONSTRAINT adapter_version_positive CHECK (version >= 1)
);

CREATE TABLE artifact_file (
  adapter_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  path TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  PRIMARY KEY (adapter_id, version, path),
  FOREIGN KEY (adapter_id, version) REFERENCES adapter_version (adapter_id, version)
);

CREATE TABLE adapter_alias (
  adapter_id TEXT NOT NULL,
  alias TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (adapter_id, alias),
  FOREIGN KEY (adapter_id, version) REFERENCES adapter_version (adapter_id, version)
);

CREATE TABLE adapter_alias_history (
  adapter_id TEXT NOT NULL,
  alias TEXT NOT NULL,
  seq INTEGER NOT NULL,
  version INTEGER NOT NULL,
  action TEXT NOT NULL,
  rolled_back INTEGER NOT NULL,
  changed_at TEXT NOT NULL,
  PRIMARY KEY (adapter_id, alias, seq),
  FOREIGN KEY (adapter_id, version) REFERENCES adapter_version (adapter_id, version),
  CONSTRAINT adapter_alias_history_action CHECK (action IN ('set', 'rollback'))
);
