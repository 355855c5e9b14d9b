mod render;
mod stdin_buffer;
mod support;
mod terminal;
mod width;
mod width_properties;
