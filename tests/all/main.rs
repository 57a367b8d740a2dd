//! Scenario-level tests: the simulator run end to end, judged by the domain facts and by the
//! independent auditor. One test binary, a module per topic.

mod architecture;
mod audit;
mod bad_input;
mod charts;
mod check;
mod common;
mod determinism;
mod erlang;
mod events;
mod golden;
mod init;
mod limits;
mod opt_out;
mod parts;
mod people_match;
mod properties;
mod realtime;
mod reference;
mod regression;
mod replay;
mod reports;
mod routing;
mod routing_settings;
mod schedule;
mod schema;
mod shifts;
mod size;
mod sweep;
mod what_if;
