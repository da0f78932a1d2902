#pragma once
// The shared AWS config files (~/.aws/config, ~/.aws/credentials): parsing with the rules of
// the cross-SDK profile-parser test suite (smithy-rs test-data, tests/data/aws/config-files),
// merging the two files, and locating them from the environment.
//
// Rules in short: `[profile NAME]` / `[default]` sections in config, `[NAME]` in credentials,
// `[sso-session NAME]` in config; property names are case-insensitive (stored lowercase);
// `#`/`;` start a comment on section lines and, after whitespace, on property lines; an
// indented line continues the previous value (or, under an empty value, adds a sub-property);
// invalid profile or property names are skipped, malformed lines are errors; credentials
// properties win over config ones.
#include <QHash>
#include <QMap>
#include <QString>

namespace hearth::remote::aws {

using ProfileProperties = QMap<QString, QString>;  // lowercase name -> value

struct ProfileSet {
    QMap<QString, ProfileProperties> profiles;
    QMap<QString, ProfileProperties> ssoSessions;
};

struct ProfileParseResult {
    ProfileSet set;
    QString error;  // empty on success; names the line number and the file kind
    bool ok() const { return error.isEmpty(); }
};

// Parses the text of both files (either may be empty) and merges them.
ProfileParseResult parseProfileFiles(const QString& configText, const QString& credentialsText);

struct ProfileFileLocations {
    QString configPath;
    QString credentialsPath;
    QString profileName;  // AWS_PROFILE, else "default"
};

// Where the SDKs look: AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, else HOME/.aws/...; on
// Windows the home is HOME, then USERPROFILE, then HOMEDRIVE+HOMEPATH. `environment` maps
// variable names to values (unset variables absent).
ProfileFileLocations locateProfileFiles(const QHash<QString, QString>& environment, bool windows);

}  // namespace hearth::remote::aws
