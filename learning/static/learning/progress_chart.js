// Draws the progress chart from the figure the server put in a json_script tag.
(function () {
  var data = document.getElementById("progress-chart-data");
  var target = document.getElementById("progress-chart");
  if (!data || !target || !window.Plotly) return;
  var figure = JSON.parse(data.textContent);
  window.Plotly.newPlot(target, figure.data, figure.layout, {
    responsive: true,
    displaylogo: false,
  });
})();
