//! The signals of one editable rollback-trigger row, shared by an
//! environment's default triggers and the deploy form.

use crate::domain::trigger_form::TriggerInput;
use leptos::prelude::*;

/// One trigger's fields as typed; the signals keep what was typed across
/// re-renders.
#[derive(Clone, Copy)]
pub struct TriggerFields {
    pub metric: RwSignal<String>,
    pub operator: RwSignal<String>,
    pub threshold: RwSignal<String>,
    pub sustained: RwSignal<String>,
    pub interval: RwSignal<String>,
    pub action: RwSignal<String>,
    pub cooldown: RwSignal<String>,
    /// Where the metric comes from (the deploy form keeps the defaults').
    pub source: RwSignal<String>,
    /// Its PromQL query, for Prometheus.
    pub query: RwSignal<String>,
}

impl TriggerFields {
    /// A row starting as `t`.
    pub fn new(t: &TriggerInput) -> Self {
        Self {
            metric: RwSignal::new(t.metric.clone()),
            operator: RwSignal::new(t.operator.clone()),
            threshold: RwSignal::new(t.threshold.clone()),
            sustained: RwSignal::new(t.sustained_seconds.clone()),
            interval: RwSignal::new(t.interval_seconds.clone()),
            action: RwSignal::new(t.action.clone()),
            cooldown: RwSignal::new(t.cooldown_minutes.clone()),
            source: RwSignal::new(t.source.clone()),
            query: RwSignal::new(t.query.clone()),
        }
    }

    /// The row as typed now.
    pub fn input(&self) -> TriggerInput {
        TriggerInput {
            metric: self.metric.get_untracked(),
            operator: self.operator.get_untracked(),
            threshold: self.threshold.get_untracked(),
            sustained_seconds: self.sustained.get_untracked(),
            interval_seconds: self.interval.get_untracked(),
            action: self.action.get_untracked(),
            cooldown_minutes: self.cooldown.get_untracked(),
            source: self.source.get_untracked(),
            query: self.query.get_untracked(),
        }
    }
}
