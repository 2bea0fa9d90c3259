// The dashboards' charts, drawn by Chart.js from the JSON the page carries (no inline script:
// Content-Security-Policy). A click on a point opens what it counts: the same link as the
// table cell under the chart.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var charts = JSON.parse(source.textContent);
  var palette = ["#0d6efd", "#d63384", "#198754", "#fd7e14"];

  function format(value, unit) {
    if (value === null || value === undefined) {
      return "–";
    }
    if (unit === "%") {
      return value.toFixed(1) + " %";
    }
    return value.toLocaleString() + (unit ? " " + unit : "");
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = charts[Number(canvas.dataset.chart)];
    var datasets = spec.datasets.map(function (set) {
      var colour = palette[set.colour % palette.length];
      return {
        label: set.label,
        data: set.data,
        links: set.links,
        periods: set.periods,
        type: set.previous && spec.kind === "bar" ? "line" : spec.kind,
        borderColor: colour,
        backgroundColor: set.previous ? "transparent" : colour + (spec.kind === "bar" ? "cc" : "33"),
        borderDash: set.previous ? [6, 4] : [],
        borderWidth: set.previous ? 1.5 : 2,
        pointRadius: set.previous ? 2 : 3,
        pointHoverRadius: 6,
        spanGaps: true,
        tension: 0.2,
        order: set.previous ? 0 : 1,
      };
    });
    var chart = new Chart(canvas, {
      type: spec.kind,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "nearest", intersect: false, axis: "x" },
        scales: { y: { beginAtZero: spec.unit !== "" || spec.key !== "sentiment", ticks: { callback: function (v) { return format(v, spec.unit); } } } },
        plugins: {
          legend: { labels: { boxWidth: 12 } },
          tooltip: {
            callbacks: {
              title: function (items) {
                var set = items[0].dataset;
                return set.periods[items[0].dataIndex];
              },
              label: function (item) {
                return item.dataset.label + ": " + format(item.raw, spec.unit);
              },
              footer: function () {
                return "Click to see them";
              },
            },
          },
        },
        onClick: function (event, elements) {
          if (!elements.length) {
            return;
          }
          var element = elements[0];
          var link = chart.data.datasets[element.datasetIndex].links[element.index];
          if (link) {
            window.location.assign(link);
          }
        },
        onHover: function (event, elements) {
          event.native.target.style.cursor = elements.length ? "pointer" : "default";
        },
      },
    });
    canvas.chart = chart;
  });
})();
