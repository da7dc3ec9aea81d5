// Draws every chart whose <div data-figure="ID"> names a json_script tag holding a plotly
// figure (built on the server). The same numbers are in the table under each chart.
(function () {
  if (!window.Plotly) return;
  document.querySelectorAll("[data-figure]").forEach(function (target) {
    var data = document.getElementById(target.getAttribute("data-figure"));
    if (!data) return;
    var figure = JSON.parse(data.textContent);
    window.Plotly.newPlot(target, figure.data, figure.layout, {
      responsive: true,
      displaylogo: false,
    });
  });
})();
