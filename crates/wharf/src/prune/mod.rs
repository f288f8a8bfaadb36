//! Cleanup: plan which tags go by a [`Policy`], let a person read the
//! plan, then [`apply`] exactly that plan, and nothing else.
//!
//! ```
//! use std::sync::Arc;
//! use wharf::futures::TryStreamExt;
//! use wharf::prune::{self, ApplyOptions, Journal, PlanHeader, PlanOptions, PlanWriter, Policy};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = wharf_emulator::Emulator::builder().start().await?;
//! let catalog = wharf::catalog::open(&emulator.swr_spec(), &wharf_emulator::demo_env)?;
//!
//! // 1. Plan: keep the newest two tags of each repository of `team`.
//! let policy = Policy::keep_last(2);
//! let header = PlanHeader::new(catalog.to_string(), &policy);
//! let mut writer = PlanWriter::new(Vec::new(), &header)?;
//! let options = PlanOptions::default().with_namespace("team");
//! let mut plans = prune::plan(Arc::clone(&catalog), policy, options);
//! while let Some(repository) = plans.try_next().await? {
//!     for entry in &repository.entries {
//!         writer.entry(entry)?;
//!     }
//! }
//! let text = writer.finish()?;
//!
//! // 2. A person reads the plan; 3. apply it, journaled beside it.
//! let plan = prune::read_plan(text.as_slice())?;
//! let dir = std::env::temp_dir().join(format!("wharf-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).ok();
//! let mut journal = Journal::open(dir.join("plan.journal"), &plan)?;
//! let report = prune::apply(catalog.as_ref(), &plan, &mut journal, &ApplyOptions::default()).await?;
//! assert_eq!(report.deleted as usize, plan.deletes().count());
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok(())
//! # }
//! ```
//!
//! # What apply guarantees
//!
//! - Only the plan's delete entries are deleted, and only in the catalog the
//!   plan names ([`ApplyOptions::catalog`]); more deletes than
//!   [`ApplyOptions::max_deletes`] are refused before any request.
//! - Each tag is read again just before its delete, and deleted only when
//!   its digest and update time are still those of the plan.
//! - Each outcome is written and synced to the [`Journal`] before the next;
//!   a second apply with the same journal skips finished entries, so no
//!   finished entry is ever deleted twice. A delete sent but not journaled
//!   (a kill in between) is found gone by the re-read, and not sent again.
//! - Deletes go through [`Catalog::delete_tag`](crate::catalog::Catalog::delete_tag),
//!   whose UHub request always names its tag: UHub's `DeleteRepoImage`
//!   without one deletes every tag of the image.

mod apply;
mod file;
mod journal;
mod plan;
mod policy;
#[cfg(test)]
mod tests;

pub use apply::{ApplyOptions, ApplyReport, DEFAULT_MAX_DELETES, OutcomeFn, RateControl, apply};
pub use file::{PLAN_VERSION, Plan, PlanCount, PlanEnd, PlanHeader, PlanWriter, read_plan};
pub use journal::{Journal, JournalRecord, Outcome};
pub use plan::{Action, PlanEntry, PlanOptions, RepositoryPlan, plan, plan_tags};
pub use policy::{Pattern, Policy};
