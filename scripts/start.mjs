// `npm start`: the demo. Until the bridge and the webchat exist it says what is here and how to run it.
console.log(`amojo-bridge — work in progress

What exists now:
  packages/sdk      @amojo-bridge/sdk: signing, errors, types (see packages/sdk/README.md)

Run the tests:  npm test
`);
