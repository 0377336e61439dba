//! The diesel schema of every table; column types are the ones both backends share.

diesel::table! {
    llm_provider_configs (provider) {
        provider -> Text,
        encrypted_key -> Nullable<Binary>,
        key_hint -> Nullable<Text>,
        is_active -> Bool,
        base_url -> Nullable<Text>,
        revision -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    llm_settings_audit (id) {
        id -> BigInt,
        at -> Timestamp,
        actor -> Text,
        group_name -> Text,
        action -> Text,
        subject -> Nullable<Text>,
        old_value -> Nullable<Text>,
        new_value -> Nullable<Text>,
    }
}

diesel::table! {
    task_llm_assignments (task) {
        task -> Text,
        provider -> Text,
        model_name -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
        revision -> BigInt,
    }
}

diesel::table! {
    telegram_settings (id) {
        id -> Integer,
        bot_token_encrypted -> Nullable<Binary>,
        bot_token_hint -> Nullable<Text>,
        chat_id -> Nullable<Text>,
        is_enabled -> Bool,
        base_url -> Nullable<Text>,
        notify_changes -> Bool,
        last_test_at -> Nullable<Timestamp>,
        last_test_outcome -> Nullable<Text>,
        last_test_detail -> Nullable<Text>,
        updated_at -> Timestamp,
        updated_by -> Text,
        revision -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    llm_provider_configs,
    llm_settings_api_tokens,
    llm_settings_audit,
    task_llm_assignments,
    telegram_settings
);

diesel::table! {
    llm_settings_api_tokens (name) {
        name -> Text,
        token_sha256 -> Binary,
        created_at -> Timestamp,
        created_by -> Text,
        last_used_at -> Nullable<Timestamp>,
    }
}
