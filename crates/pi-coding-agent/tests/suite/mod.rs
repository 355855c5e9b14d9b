mod tools_agent;
mod tools_bash;
mod tools_edit;
mod tools_parity;
mod tools_proptest;
mod tools_read;
mod tools_search;
mod tools_support;
