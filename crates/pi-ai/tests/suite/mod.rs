mod adapters;
mod events;
mod faux;
mod fixtures;
mod models;
mod properties;
mod replay;
mod support;
