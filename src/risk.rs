//! The risk rules: each check with its own switch and its limit, each described once.

use crate::fields::define::define_group;
use crate::group::Group;

define_group! {
    /// The risk management rules, as `Settings::risk()` reads them from
    /// `risk_settings`. A limit counts only while its check is on; every
    /// check is off until an admin turns it on.
    pub struct RiskSettings for Group::Risk, table "risk_settings", title "Risk", checks Safeguards {
        drawdown_check_enabled: Switch = false,
            "Drawdown check", "stop trading when the drawdown reaches the limit";
        max_drawdown_pct: Number(more than 0.0 to 100.0) = 10.0,
            "Max drawdown (%)", "that limit, in percent of the balance",
            depends on drawdown_check_enabled;
        position_limit_enabled: Switch = false,
            "Position limit", "cap the open positions";
        max_open_positions: Whole(1 to 1000) = 5,
            "Max open positions", "that cap",
            depends on position_limit_enabled;
        rate_limit_enabled: Switch = false,
            "Trade rate limit", "cap the trades per symbol in a window";
        rate_limit_max_trades: Whole(1 to 1000) = 3,
            "Trades per window", "trades allowed in the window",
            depends on rate_limit_enabled;
        rate_limit_window_hours: Number(more than 0.0 to 168.0) = 4.0,
            "Window (hours)", "the window, in hours",
            depends on rate_limit_enabled;
        hedging_allowed: Switch = true,
            "Hedging allowed", "opposite positions on one symbol are allowed";
    }
}
