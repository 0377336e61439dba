DROP TABLE risk_settings;
DROP TABLE global_settings;
