mod session_context;
mod session_crash;
mod session_files;
mod session_fixtures;
mod session_listing;
mod session_properties;
mod session_support;
mod session_tree;
