// The signed-in tenant key lives in sessionStorage only: it is gone when the tab closes or on sign-out.
const STORAGE_KEY = 'eventwire.apiKey';

export const session = {
  key: () => sessionStorage.getItem(STORAGE_KEY),
  signIn: (key) => sessionStorage.setItem(STORAGE_KEY, key),
  signOut: () => sessionStorage.removeItem(STORAGE_KEY),
};
