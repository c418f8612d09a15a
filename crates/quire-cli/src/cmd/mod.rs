pub mod build;
pub mod check;
pub mod demo_data;
pub mod dev;
pub mod init;
pub mod run;
