mod agent;
mod hooks;
mod http;
mod interleavings;
mod loop_events;
mod support;
mod tools;
mod validation;
