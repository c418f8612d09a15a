//! quire's integration tests: one binary, so DataFusion is linked once. One module per
//! feature; each test reads as the command a user would type (see `util`).

mod broken;
mod build;
mod chain;
mod cli;
mod cluster;
mod dev;
mod dialect;
mod e2e;
mod evidence;
mod grid;
mod hostile;
mod inputs;
mod maps;
mod parity;
mod parse;
mod pipeline;
mod postgres;
mod ranged;
mod release;
mod rollups;
mod scripts;
mod sources;
mod util;
