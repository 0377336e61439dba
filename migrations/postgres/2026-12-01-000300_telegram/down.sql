DROP TABLE telegram_settings;
