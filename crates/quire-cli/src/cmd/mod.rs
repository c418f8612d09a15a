pub mod build;
pub mod demo_data;
pub mod dev;
pub mod run;
