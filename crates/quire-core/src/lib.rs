//! quire-core: the report model.
//!
//! Owns what an author writes and nothing that touches the outside world: Markdown pages
//! with named SQL fences, component tags and `{...}` expressions parsed into a [`Page`],
//! the component and prop catalogue, inputs and their state, `${query}` chaining (with
//! `${inputs.x}` as bound parameters), `{#if}`/`{#each}` blocks and their expressions,
//! `{@partial}` splicing, pages' JavaScript made into one program for the engines that run it, `quire.toml` and front matter,
//! and the span-carrying errors an author reads. No I/O; compiles for wasm32, where the
//! browser runtime uses the same types.

pub mod chain;
pub mod components;
pub mod config;
pub mod data;
pub mod diag;
pub mod expr;
pub mod grid;
pub mod inputs;
pub mod page;
pub mod partials;
pub mod query_files;
pub mod script;
pub mod shape;
pub mod span;
pub mod time;

pub use data::{Cell, Column, ColumnType, Table};
pub use diag::{AuthorError, Problem};
pub use inputs::InputState;
pub use page::{Branch, Component, Node, Page, Prop, PropValue, Query};
pub use span::{SourceFile, Span};
