mod stdin_buffer;
mod terminal;
mod width;
mod width_properties;
