mod tools_parity;
mod tools_support;
