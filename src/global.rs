//! The global settings: the pipeline's switches and its confidence threshold, each described once.

use crate::fields::define::define_group;
use crate::group::Group;

define_group! {
    /// The pipeline's switches and its confidence threshold, as
    /// `Settings::global()` reads them from `global_settings`.
    pub struct GlobalSettings for Group::Global, table "global_settings", title "Global", checks Switches {
        maintenance_task_enabled: Switch = true,
            "Maintenance review", "the scheduled LLM review of open positions runs";
        maintenance_interval_minutes: Whole(1 to 10080) = 60,
            "Review interval (min)", "minutes between two such reviews";
        llm_confidence_threshold: Number(0.0 to 1.0) = 0.7,
            "Confidence threshold", "a signal less confident than this is not acted on";
        news_enabled: Switch = true,
            "News context", "news context goes into the prompts";
        enable_agent_pipeline: Switch = true,
            "Agent pipeline", "the multi-agent pipeline runs";
        enable_indicator_agent: Switch = true,
            "Indicator agent", "counts only while the agent pipeline is on",
            depends on enable_agent_pipeline;
        enable_pattern_agent: Switch = true,
            "Pattern agent", "counts only while the agent pipeline is on",
            depends on enable_agent_pipeline;
        enable_trend_agent: Switch = true,
            "Trend agent", "counts only while the agent pipeline is on",
            depends on enable_agent_pipeline;
    }
}
