package commands

import (
	"context"
	"sync"

	"github.com/sevenoaks-csp/actionbot"
)

// exampleCache keeps the current plan's examples (actionbot.ExamplesOf)
// while the plan is unchanged: the store hands out a new directory whenever
// the plan's revision moves (an import, a coordinator's change), so the
// plan and the directory it came with say when to choose them again.
type exampleCache struct {
	mu     sync.Mutex
	planID int64
	dir    *actionbot.Directory
	ex     actionbot.Examples
}

// examples returns the examples of plan, choosing them again only when the
// plan or its revision has changed. With no plan they are the shipped
// plan's.
func (h *Handler) examples(ctx context.Context, plan *actionbot.Plan, dir *actionbot.Directory) actionbot.Examples {
	if plan == nil {
		return actionbot.ExamplesOf(nil, nil, dir)
	}
	c := &h.exampleCache
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dir != nil && c.dir == dir && c.planID == plan.ID {
		return c.ex
	}
	actions, err := h.Store.FindActions(ctx, actionbot.ActionFilter{PlanID: plan.ID})
	if err != nil {
		// Examples are wording: a plan whose actions cannot be read still
		// gets ones from its period, and they are chosen again next time.
		h.logger().Warn("examples: cannot read the plan's actions", "err", err)
		return actionbot.ExamplesOf(plan, nil, dir)
	}
	c.planID, c.dir, c.ex = plan.ID, dir, actionbot.ExamplesOf(plan, actions, dir)
	return c.ex
}

// currentExamples returns the current plan's examples for a reply that
// needs no more of the plan (help): the shipped plan's when there is no
// plan, or it cannot be read.
func (h *Handler) currentExamples(ctx context.Context) actionbot.Examples {
	plan, err := h.Store.CurrentPlan(ctx)
	if err != nil {
		return actionbot.ExamplesOf(nil, nil, nil)
	}
	dir, err := h.Store.Directory(ctx)
	if err != nil {
		return h.examples(ctx, plan, nil)
	}
	return h.examples(ctx, plan, dir)
}

// Examples returns the current plan's examples (actionbot.ExamplesOf), for
// a surface that writes its own help: the console's banner.
func (h *Handler) Examples(ctx context.Context) actionbot.Examples {
	return h.currentExamples(ctx)
}
