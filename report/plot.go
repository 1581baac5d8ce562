package report

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// PlotOptions chooses what to draw.
type PlotOptions struct {
	X      string            // parameter on the x axis
	Y      string            // metric on the y axis (its mean)
	Stat   string            // statistic of Y drawn instead of the mean, without error bars ("binder", "q50", ...)
	LogX   bool              // log x axis
	Series string            // parameter whose values get one line each; "" for one line
	Where  map[string]string // other parameters, fixed to these values
	Title  string
	Width  vg.Length
	Height vg.Length
}

// Plot draws the mean of a metric against a parameter with 95% confidence
// intervals as error bars, one line per value of the series parameter, and
// saves it to path (.png, .svg or .pdf).
func Plot(f *File, o PlotOptions, path string) error {
	if !contains(f.Params, o.X) {
		return fmt.Errorf("--x %s: not a swept parameter; the campaign sweeps %s", o.X, strings.Join(f.Params, ", "))
	}
	if o.Series != "" && !contains(f.Params, o.Series) {
		return fmt.Errorf("--series %s: not a swept parameter; the campaign sweeps %s", o.Series, strings.Join(f.Params, ", "))
	}
	if !contains(f.Metrics, o.Y) {
		return fmt.Errorf("--y %s: not a metric; the campaign has %s", o.Y, strings.Join(f.Metrics, ", "))
	}
	stat := o.Stat
	if stat == "" {
		stat = "mean"
	}
	if have := f.Stats(); !contains(have, stat) {
		return fmt.Errorf("--stat %s: not a statistic of these results; choose from %s", stat, strings.Join(have, ", "))
	}
	// Group the points into series, keeping only those that match Where,
	// and refuse to mix points that differ in an unfixed parameter.
	type pt struct{ x, y, lo, hi float64 }
	series := map[string][]pt{}
	var order []string
	others := map[string]string{}
	for i := range f.Points {
		p := &f.Points[i]
		skip := false
		for k, v := range o.Where {
			if p.ParamString(k) != v {
				skip = true
			}
		}
		if skip {
			continue
		}
		for _, k := range f.Params {
			if k == o.X || k == o.Series {
				continue
			}
			if _, fixed := o.Where[k]; fixed {
				continue
			}
			v := p.ParamString(k)
			if prev, ok := others[k]; ok && prev != v {
				return fmt.Errorf("parameter %s also varies (%s, %s, ...); fix it with --where %s=VALUE or plot it with --series", k, prev, v, k)
			}
			others[k] = v
		}
		x, err := p.ParamFloat(o.X)
		if err != nil {
			return err
		}
		var y, lo, hi float64
		lo, hi = nan, nan
		if y, err = p.Stat(o.Y, stat); err == nil && stat == "mean" {
			if lo, err = p.Stat(o.Y, "ci95_lo"); err == nil {
				hi, err = p.Stat(o.Y, "ci95_hi")
			}
		}
		if err != nil {
			return err
		}
		if math.IsNaN(y) {
			continue // a point with no successful repetition (or an unknown statistic) has no value
		}
		key := ""
		if o.Series != "" {
			key = o.Series + " = " + p.ParamString(o.Series)
		}
		if _, ok := series[key]; !ok {
			order = append(order, key)
		}
		series[key] = append(series[key], pt{x, y, lo, hi})
	}
	if len(order) == 0 {
		return fmt.Errorf("no point matches --where %v", o.Where)
	}

	pl := plot.New()
	pl.Title.Text = o.Title
	pl.X.Label.Text = o.X
	pl.Y.Label.Text = o.Y + " (mean, 95% CI)"
	if stat != "mean" {
		pl.Y.Label.Text = o.Y + " (" + stat + ")"
	}
	if o.LogX {
		pl.X.Scale, pl.X.Tick.Marker = plot.LogScale{}, plot.LogTicks{}
	}
	pl.Add(plotter.NewGrid())
	for i, key := range order {
		pts := series[key]
		sort.Slice(pts, func(a, b int) bool { return pts[a].x < pts[b].x })
		xys := make(plotter.XYs, len(pts))
		errs := make(plotter.YErrors, len(pts))
		for j, q := range pts {
			xys[j] = plotter.XY{X: q.x, Y: q.y}
			if !math.IsNaN(q.lo) && !math.IsNaN(q.hi) {
				errs[j].Low, errs[j].High = q.y-q.lo, q.hi-q.y
			}
		}
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			return err
		}
		color := plotutil.Color(i)
		line.Color, points.Color = color, color
		points.Shape = plotutil.Shape(i)
		bars, err := plotter.NewYErrorBars(struct {
			plotter.XYs
			plotter.YErrors
		}{xys, errs})
		if err != nil {
			return err
		}
		bars.Color = color
		pl.Add(line, points, bars)
		if key != "" {
			pl.Legend.Add(key, line, points)
		}
	}
	pl.Legend.Top = true
	pl.Legend.Left = true
	w, h := o.Width, o.Height
	if w == 0 {
		w = 6 * vg.Inch
	}
	if h == 0 {
		h = 4 * vg.Inch
	}
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".png", ".svg", ".pdf":
	default:
		return fmt.Errorf("-o %s: write .png, .svg or .pdf", path)
	}
	if err := pl.Save(w, h, path); err != nil {
		return fmt.Errorf("could not save the plot: %w", err)
	}
	return nil
}
