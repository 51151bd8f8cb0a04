package admin_test

// articlesAuthzRoutes are the routes of published information: articles and the publication schedule (issue 7) for the authorisation tests.
func articlesAuthzRoutes() []authzRoute { return nil }
