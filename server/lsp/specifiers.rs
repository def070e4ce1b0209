//! systemd specifiers (`%h`, `%n`, ...) usable in unit values, with our own
//! one-line descriptions.

pub const SPECIFIERS: &[(char, &str)] = &[
    ('%', "a literal `%`"),
    ('a', "the architecture (`x86-64`, `arm64`, ...)"),
    ('A', "the OS image version (`IMAGE_VERSION=` of os-release)"),
    ('b', "the boot ID"),
    ('B', "the OS build ID (`BUILD_ID=` of os-release)"),
    (
        'C',
        "the cache directory (`/var/cache`, or `$XDG_CACHE_HOME` for user units)",
    ),
    ('d', "the credentials directory (`$CREDENTIALS_DIRECTORY`)"),
    (
        'D',
        "the shared data directory (`/usr/share`, or `$XDG_DATA_HOME` for user units)",
    ),
    (
        'E',
        "the configuration directory (`/etc`, or `$XDG_CONFIG_HOME` for user units)",
    ),
    (
        'f',
        "the unescaped instance name with a leading `/`, or the prefix if there is none",
    ),
    ('g', "the group name of the service manager"),
    ('G', "the group ID of the service manager"),
    ('h', "the home directory of the service manager's user"),
    ('H', "the host name"),
    (
        'i',
        "the instance name (the part after `@` of a template instance)",
    ),
    ('I', "the unescaped instance name"),
    (
        'j',
        "the final component of the prefix (after the last `-`)",
    ),
    ('J', "the unescaped final component of the prefix"),
    ('l', "the short host name (up to the first dot)"),
    (
        'L',
        "the log directory (`/var/log`, or `$XDG_STATE_HOME/log` for user units)",
    ),
    ('m', "the machine ID"),
    ('M', "the OS image identifier (`IMAGE_ID=` of os-release)"),
    ('n', "the full unit name (the generated service's name)"),
    ('N', "the unit name without its type suffix"),
    ('o', "the OS ID (`ID=` of os-release)"),
    ('p', "the prefix name (the part before `@`)"),
    ('P', "the unescaped prefix name"),
    ('q', "the pretty host name"),
    ('s', "the user's shell"),
    (
        'S',
        "the state directory (`/var/lib`, or `$XDG_STATE_HOME` for user units)",
    ),
    (
        't',
        "the runtime directory (`/run`, or `$XDG_RUNTIME_DIR` for user units)",
    ),
    ('T', "the temporary directory (`/tmp` or `$TMPDIR`)"),
    ('u', "the user name of the service manager"),
    ('U', "the user ID of the service manager"),
    ('v', "the kernel release"),
    (
        'V',
        "the directory for larger, persistent temporary files (`/var/tmp` or `$TMPDIR`)",
    ),
    ('w', "the OS version ID (`VERSION_ID=` of os-release)"),
    ('W', "the OS variant ID (`VARIANT_ID=` of os-release)"),
    ('y', "the path of the unit file (the generated service)"),
    ('Y', "the directory of the unit file"),
];

pub fn describe(c: char) -> Option<&'static str> {
    SPECIFIERS.iter().find(|(k, _)| *k == c).map(|(_, d)| *d)
}

/// The specifiers in a value: `(byte offset of the %, the letter)`; `%%`
/// counts as one.
pub fn find(value: &str) -> Vec<(usize, char)> {
    let mut out = Vec::new();
    let mut it = value.char_indices();
    while let Some((i, c)) = it.next() {
        if c == '%' {
            if let Some((_, n)) = it.next() {
                out.push((i, n));
            }
        }
    }
    out
}
