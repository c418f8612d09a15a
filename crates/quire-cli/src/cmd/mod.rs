pub mod build;
pub mod demo_data;
