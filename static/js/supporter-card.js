// The supporter page's "new card" form (giving/manage.py): Stripe.js saves the card with a
// SetupIntent, then the server makes it the card for every regular gift.
(function () {
  "use strict";
  var form = document.getElementById("card-form");
  if (!form || typeof Stripe === "undefined") return;
  var stripe = Stripe(form.dataset.key);
  var card = stripe.elements().create("card");
  card.mount("#card-element");
  var problem = document.getElementById("card-problem");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;

  function post(url, data) {
    return fetch(url, {method: "POST", body: data, credentials: "same-origin", headers: {"X-CSRFToken": csrf}})
      .then(function (response) { return response.json(); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    problem.hidden = true;
    post(form.dataset.start, new FormData()).then(function (answer) {
      if (answer.error) throw new Error(answer.error);
      return stripe.confirmCardSetup(answer.client_secret, {payment_method: {card: card}});
    }).then(function (result) {
      if (result.error) throw new Error(result.error.message || "Your card was declined. Try another card.");
      var data = new FormData();
      data.append("setup_intent", result.setupIntent.id);
      return post(form.dataset.done, data);
    }).then(function (answer) {
      if (answer.error) throw new Error(answer.error);
      window.location.assign(answer.redirect);
    }).catch(function (error) {
      problem.textContent = error.message;
      problem.hidden = false;
    });
  });
})();
