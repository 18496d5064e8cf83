//! Reading settings: every reader goes through [`Source`], which knows whether this is
//! production (where a setting a real merchant must supply has no default) and names the
//! variable in every error.

use std::ops::RangeInclusive;
use std::time::Duration;
use url::Url;

/// A setting that stops the server from starting, named, with what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("configuration error: {setting}: {problem}")]
pub struct ConfigError {
    pub setting: &'static str,
    pub problem: String,
}

pub(super) fn bad(setting: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        setting,
        problem: problem.into(),
    }
}

/// The settings as a lookup (the process environment, or a map in tests), and whether
/// this is production.
pub(super) struct Source<'a> {
    get: &'a dyn Fn(&str) -> Option<String>,
    pub prod: bool,
}

impl<'a> Source<'a> {
    pub fn new(get: &'a dyn Fn(&str) -> Option<String>, prod: bool) -> Source<'a> {
        Source { get, prod }
    }

    pub fn get(&self, key: &str) -> Option<String> {
        (self.get)(key)
    }

    /// Required in production; `dev_default` in development.
    pub fn required(&self, key: &'static str, dev_default: &str) -> Result<String, ConfigError> {
        match self.get(key) {
            Some(v) => Ok(v),
            None if self.prod => Err(bad(key, "is required in production")),
            None => Ok(dev_default.to_owned()),
        }
    }

    pub fn flag(&self, key: &'static str, default: bool) -> Result<bool, ConfigError> {
        match self.get(key).map(|v| v.to_ascii_lowercase()).as_deref() {
            None => Ok(default),
            Some("1" | "true" | "yes") => Ok(true),
            Some("0" | "false" | "no") => Ok(false),
            Some(other) => Err(bad(key, format!("expected true or false, got `{other}`"))),
        }
    }

    pub fn number(
        &self,
        key: &'static str,
        default: u64,
        range: RangeInclusive<u64>,
    ) -> Result<u64, ConfigError> {
        let Some(raw) = self.get(key) else {
            return Ok(default);
        };
        match raw.trim().parse::<u64>() {
            Ok(n) if range.contains(&n) => Ok(n),
            _ => Err(bad(
                key,
                format!(
                    "expected a whole number from {} to {}, got `{raw}`",
                    range.start(),
                    range.end()
                ),
            )),
        }
    }

    pub fn seconds(
        &self,
        key: &'static str,
        default: u64,
        range: RangeInclusive<u64>,
    ) -> Result<Duration, ConfigError> {
        Ok(Duration::from_secs(self.number(key, default, range)?))
    }

    /// A duration set in whole `unit_secs` units with `key` (`…_MINUTES`, `…_HOURS`), or,
    /// for tests, in seconds with the same name ending `_SECS` instead, which wins.
    pub fn duration(
        &self,
        key: &'static str,
        unit_secs: u64,
        default_units: u64,
        units: RangeInclusive<u64>,
    ) -> Result<Duration, ConfigError> {
        let secs_key = match key.rsplit_once('_') {
            Some((stem, _)) => format!("{stem}_SECS"),
            None => format!("{key}_SECS"),
        };
        if let Some(raw) = self.get(&secs_key) {
            let max = units.end() * unit_secs;
            return match raw.trim().parse::<u64>() {
                Ok(n) if (1..=max).contains(&n) => Ok(Duration::from_secs(n)),
                _ => Err(bad(
                    key,
                    format!("{secs_key} must be a whole number from 1 to {max}, got `{raw}`"),
                )),
            };
        }
        Ok(Duration::from_secs(
            unit_secs * self.number(key, default_units, units)?,
        ))
    }
}

pub(super) fn parse_base_url(setting: &'static str, raw: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(raw).map_err(|e| bad(setting, format!("`{raw}` is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(bad(
            setting,
            format!("`{raw}` must be an http(s) URL with a host"),
        ));
    }
    Ok(url)
}
