mod adapters;
mod faux;
mod fixtures;
mod properties;
mod replay;
mod support;
