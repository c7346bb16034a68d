"""The migration-graph page, listed on the admin index under the app's ``MigrationGraph`` entry."""
