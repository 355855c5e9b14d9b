mod width;
mod width_properties;
