//! Which keys each provider signs with, what may be shown of them, and the
//! refusal to send unsigned requests where they can only be refused.
//!
//! A catalog at a provider's public endpoint (`swr://REGION`,
//! `uhub://REGION`, or `--region`) with none of that provider's keys is
//! refused before anything is sent: the real service refuses an unsigned
//! request, so it could only fail, and usually means the keys of the other
//! provider were set instead. A catalog at an endpoint of the user's own
//! (`--endpoint`, `swr+http://HOST`) still goes unsigned: an emulator
//! started with `--no-auth`, or a proxy that signs, takes such requests.

use wharf::catalog::{CatalogKind, CatalogSpec, Location};
use wharf::env;

use crate::args::Global;
use crate::fail::{CliError, Exit};
use crate::settings::{Settings, given, profile_label};

/// What a masked secret shows.
pub const MASK: &str = "****";

/// Shortest id whose first characters are shown.
const SHOWN_FROM: usize = 12;

/// Characters of an id that are shown.
const SHOWN: usize = 4;

/// A provider's key pair, by the official variables' names.
pub struct Pair {
    /// The variable of the key's id (an access key id, a public key).
    pub id: &'static str,
    /// The variable of its secret.
    pub secret: &'static str,
    /// Whose keys they are, such as `UCloud`.
    pub owner: &'static str,
    /// The provider they sign for, such as `UHub`.
    pub provider: &'static str,
}

/// Huawei Cloud's pair, for SWR.
const HUAWEI: Pair = Pair {
    id: env::HUAWEICLOUD_SDK_AK,
    secret: env::HUAWEICLOUD_SDK_SK,
    owner: "Huawei Cloud",
    provider: "SWR",
};

/// UCloud's pair, for UHub.
const UCLOUD: Pair = Pair {
    id: env::UCLOUD_PUBLIC_KEY,
    secret: env::UCLOUD_PRIVATE_KEY,
    owner: "UCloud",
    provider: "UHub",
};

impl Pair {
    /// The pair a catalog of `kind` signs with.
    pub fn of(kind: CatalogKind) -> &'static Pair {
        match kind {
            CatalogKind::Uhub => &UCLOUD,
            _ => &HUAWEI,
        }
    }

    /// The other provider's pair.
    fn other(&self) -> &'static Pair {
        if self.id == HUAWEI.id {
            &UCLOUD
        } else {
            &HUAWEI
        }
    }

    /// Both names, `A and B`.
    fn names(&self) -> String {
        format!("{} and {}", self.id, self.secret)
    }

    /// The names of those of the pair that `settings` find (in the
    /// environment or the profile).
    fn set(&self, settings: &Settings) -> Vec<&'static str> {
        [self.id, self.secret]
            .into_iter()
            .filter(|name| settings.lookup(name).is_some())
            .collect()
    }
}

/// What may be shown of a key's id (an access key id, a public key): its
/// first four characters and [`MASK`], when it is long enough that they
/// give little away; else only the mask.
pub fn mask_id(value: &str) -> String {
    if value.chars().count() < SHOWN_FROM {
        return MASK.to_owned();
    }
    let start: String = value.chars().take(SHOWN).collect();
    format!("{start}{MASK}")
}

/// Refuses `spec` when it is a provider's public endpoint and none of that
/// provider's keys is set: the service can only refuse an unsigned
/// request. At an endpoint of the user's own such requests go, with a note
/// on stderr (unless `quiet`) when the other provider's keys are set. (One
/// key of a pair without the other is the library's to refuse, naming
/// both.)
pub fn require(spec: &CatalogSpec, settings: &Settings, quiet: bool) -> Result<(), CliError> {
    let pair = Pair::of(spec.kind());
    if !pair.set(settings).is_empty() {
        return Ok(());
    }
    let other = other_pair_note(pair, settings);
    if !matches!(spec.location(), Location::Region(_)) {
        if !quiet && !other.is_empty() {
            eprintln!(
                "wharf: {} are not set, so requests to {spec} go unsigned{other}",
                pair.names()
            );
        }
        return Ok(());
    }
    let nowhere = match settings.profile() {
        Some(loaded) => format!(
            "neither in the environment nor in {}",
            profile_label(loaded)
        ),
        None => "in the environment, and no profile was read".to_owned(),
    };
    let what = format!(
        "{spec}: {} are not set ({nowhere}){other}; nothing was sent, since {}'s public endpoint \
         refuses unsigned requests. Set {}'s keys, or give --endpoint for an emulator or proxy \
         that takes unsigned requests",
        pair.names(),
        pair.owner,
        pair.owner,
    );
    Err(CliError::new(Exit::Usage, what))
}

/// The refusal when no place is given, none of the keys of `kind`'s
/// provider are set and some of the other provider's are: the demo
/// registry is not what such a user meant.
pub fn other_provider_only(
    kind: CatalogKind,
    settings: &Settings,
    global: &Global,
) -> Option<CliError> {
    let pair = Pair::of(kind);
    if !pair.set(settings).is_empty() || pair.other().set(settings).is_empty() {
        return None;
    }
    let name = match kind {
        CatalogKind::Uhub => "uhub",
        _ => "swr",
    };
    let said = match (global.provider, settings.profile()) {
        (Some(_), _) => format!("{} {name}", given("--provider", "WHARF_PROVIDER")),
        (None, Some(loaded)) if loaded.profile.provider.is_some() => {
            format!("the provider {name} of {}", profile_label(loaded))
        }
        _ => format!("the default provider, {name},"),
    };
    let other = match kind {
        CatalogKind::Uhub => "swr",
        _ => "uhub",
    };
    let what = format!(
        "{said} needs {}'s keys, but {} are not set{}. Set them and --region, or pass \
         --provider {other} and --region (nothing was sent)",
        pair.owner,
        pair.names(),
        other_pair_note(pair, settings),
    );
    Some(CliError::new(Exit::Usage, what))
}

/// `; A and B are, but they are OWNER's, for PROVIDER` when the keys of the
/// other provider than `pair`'s are set.
fn other_pair_note(pair: &Pair, settings: &Settings) -> String {
    let other = pair.other();
    let set = other.set(settings);
    let (names, verb) = match set.as_slice() {
        [] => return String::new(),
        [one] => ((*one).to_owned(), "is"),
        _ => (other.names(), "are"),
    };
    format!(
        "; {names} {verb} set, but {} {}'s, for {}",
        if set.len() == 1 {
            "that is"
        } else {
            "those are"
        },
        other.owner,
        other.provider
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_show_four_characters_when_long_secrets_never() {
        assert_eq!(mask_id("WHARFDEMOACCESSKEY01"), "WHAR****");
        assert_eq!(mask_id("short-id"), "****");
        assert_eq!(mask_id("ééééééééééééé"), "éééé****");
    }
}
