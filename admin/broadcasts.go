package admin

// BroadcastStore is what the console reads and keeps for broadcasts (issue 7).
type BroadcastStore interface{}

func (c *Console) broadcastsRoutes() {}
