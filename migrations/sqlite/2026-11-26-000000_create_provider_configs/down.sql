DROP TABLE llm_provider_audit;
DROP TABLE llm_provider_configs;
