package web

import (
	"strconv"
	"time"

	"github.com/vigil-hr/vigil/internal/httpapi"
	"github.com/vigil-hr/vigil/internal/model"
)

// chart is the timeline as the SVG template draws it.
type chart struct {
	Interval         string // day, week or month
	Width, Height    int
	PlotTop, PlotBot int
	Bars             []bar
	Ticks            []tick
	YTicks           []tick
	Max, Total       int
	Undated          int
	Truncated        bool
}

type bar struct {
	X, Y, W, H int
	Label      string // the bucket's first day and count, for the tooltip
	Count      int
	Href       string // the list narrowed to the bucket's dates
}

type tick struct {
	X, Y  int
	Label string
}

const (
	chartW, chartH    = 960, 280
	padL, padR        = 40, 10
	padTop, padBottom = 12, 40
	maxBuckets        = 400
)

// buildChart counts the dated events per day, week (from Monday) or month;
// "" picks the finest interval that gives at most 120 bars.
func buildChart(evs []model.StoredEvent, interval string, q httpapi.EventQuery, l *Locale) chart {
	var dates []time.Time
	c := chart{Width: chartW, Height: chartH, PlotTop: padTop, PlotBot: chartH - padBottom}
	for _, e := range evs {
		t, err := time.Parse(time.DateOnly, e.EventDate)
		if err != nil {
			c.Undated++
			continue
		}
		dates = append(dates, t)
	}
	c.Total = len(dates)
	if len(dates) == 0 {
		c.Interval = interval
		if c.Interval == "" {
			c.Interval = "month"
		}
		return c
	}
	lo, hi := dates[0], dates[0]
	for _, d := range dates {
		lo, hi = minTime(lo, d), maxTime(hi, d)
	}
	span := hi.Sub(lo).Hours() / 24
	switch interval {
	case "day", "week", "month":
	default:
		switch {
		case span <= 120:
			interval = "day"
		case span <= 7*120:
			interval = "week"
		default:
			interval = "month"
		}
	}
	// Too many buckets for the chosen interval: coarsen.
	if interval == "day" && span > maxBuckets {
		interval = "week"
	}
	if interval == "week" && span > 7*maxBuckets {
		interval = "month"
	}
	c.Interval = interval
	start := bucketStart(lo, interval)
	var buckets []time.Time
	for t := start; !t.After(hi); t = nextBucket(t, interval) {
		buckets = append(buckets, t)
	}
	counts := make([]int, len(buckets))
	for _, d := range dates {
		i := bucketIndex(start, bucketStart(d, interval), interval)
		if i >= 0 && i < len(counts) {
			counts[i]++
		}
	}
	for _, n := range counts {
		c.Max = max(c.Max, n)
	}
	plotW := chartW - padL - padR
	plotH := c.PlotBot - c.PlotTop
	bw := max(1, plotW/len(buckets))
	gap := 0
	if bw > 4 {
		gap = 1
	}
	every := max(1, (len(buckets)+7)/8) // at most about 8 labels
	for i, t := range buckets {
		h := 0
		if c.Max > 0 {
			h = counts[i] * plotH / c.Max
		}
		x := padL + i*bw
		end := nextBucket(t, interval).AddDate(0, 0, -1)
		vals := q.Values()
		vals.Set("from", t.Format(time.DateOnly))
		vals.Set("to", end.Format(time.DateOnly))
		label := t.Format(time.DateOnly) + " – " + end.Format(time.DateOnly) + ": " + strconv.Itoa(counts[i])
		c.Bars = append(c.Bars, bar{X: x, Y: c.PlotBot - h, W: bw - gap, H: h, Count: counts[i], Label: label,
			Href: "/events?" + vals.Encode()})
		if i%every == 0 {
			f := "2006-01-02"
			if interval == "month" {
				f = "2006-01"
			}
			c.Ticks = append(c.Ticks, tick{X: x, Y: c.PlotBot + 16, Label: t.Format(f)})
		}
	}
	for _, v := range []int{0, c.Max / 2, c.Max} {
		y := c.PlotBot
		if c.Max > 0 {
			y = c.PlotBot - v*plotH/c.Max
		}
		c.YTicks = append(c.YTicks, tick{X: padL - 6, Y: y + 4, Label: strconv.Itoa(v)})
	}
	return c
}

func bucketStart(t time.Time, interval string) time.Time {
	switch interval {
	case "week":
		wd := (int(t.Weekday()) + 6) % 7 // Monday = 0
		return t.AddDate(0, 0, -wd)
	case "month":
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return t
}

func nextBucket(t time.Time, interval string) time.Time {
	switch interval {
	case "week":
		return t.AddDate(0, 0, 7)
	case "month":
		return t.AddDate(0, 1, 0)
	}
	return t.AddDate(0, 0, 1)
}

func bucketIndex(start, b time.Time, interval string) int {
	switch interval {
	case "week":
		return int(b.Sub(start).Hours()/24) / 7
	case "month":
		return (b.Year()-start.Year())*12 + int(b.Month()) - int(start.Month())
	}
	return int(b.Sub(start).Hours() / 24)
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
