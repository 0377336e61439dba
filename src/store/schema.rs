//! The diesel schema of both tables; column types are the ones both backends share.

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
    llm_provider_audit (id) {
        id -> BigInt,
        at -> Timestamp,
        actor -> Text,
        action -> Text,
        provider -> Text,
        key_hint -> Nullable<Text>,
        detail -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(llm_provider_configs, llm_provider_audit);
