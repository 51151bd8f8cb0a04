package admin

// ArticleStore is what the console reads and keeps for published information: articles and the publication schedule (issue 7).
type ArticleStore interface{}

func (c *Console) articlesRoutes() {}
