<?php
/**
 * One renderer for the block and the shortcode: `<pay-link-button>` with a fallback link to the proxy's buy page
 * (`<proxy>/buy/<product>`) or pay page (`<proxy>/pay/<intent>`) inside it. The link sits in a slot the element
 * does not render, so it shows only until the script upgrades the element, or when the script never runs.
 *
 * @package PayLink
 */

defined( 'ABSPATH' ) || exit;

function pay_link_register_shortcode(): void {
	add_shortcode( 'pay_link', 'pay_link_shortcode' );
}

/**
 * `[pay_link product="chai-tin" label="Buy now"]`, `[pay_link intent="pli1.…"]`; optional `presentation`, `theme`,
 * `lang`, `quantity`.
 *
 * @param array|string $atts Raw shortcode attributes (a string when the shortcode has none).
 */
function pay_link_shortcode( $atts ): string {
	$atts = shortcode_atts(
		array(
			'product'      => '',
			'intent'       => '',
			'label'        => '',
			'presentation' => '',
			'theme'        => '',
			'lang'         => '',
			'quantity'     => '',
		),
		is_array( $atts ) ? $atts : array(),
		'pay_link'
	);
	return pay_link_render_button( $atts );
}

/**
 * Cleans what a post author typed (never trusted: authors are not administrators) and renders the element.
 * An unusable button (no proxy URL yet, no valid product or intent) renders nothing for visitors and a note for
 * people who can edit the post.
 */
function pay_link_render_button( array $atts, string $wrapper_attributes = '' ): string {
	$settings = pay_link_get_settings();
	$proxy    = pay_link_clean_proxy_url( $settings['proxy_url'] );
	$product  = pay_link_clean_id( $atts['product'] ?? '', PAY_LINK_PRODUCT_PATTERN );
	$intent   = pay_link_clean_id( $atts['intent'] ?? '', PAY_LINK_INTENT_PATTERN );
	if ( '' === $proxy ) {
		return pay_link_editor_note( __( 'pay-link: set the proxy URL under Settings → pay-link to show this button.', 'pay-link' ) );
	}
	if ( '' === $product && '' === $intent ) {
		return pay_link_editor_note( __( 'pay-link: this button needs a product id (letters, digits, ".", "_", "-") or an intent token.', 'pay-link' ) );
	}

	$label        = isset( $atts['label'] ) && is_scalar( $atts['label'] ) ? sanitize_text_field( (string) $atts['label'] ) : '';
	$presentation = pay_link_pick( $atts['presentation'] ?? '', PAY_LINK_PRESENTATIONS, $settings['presentation'] );
	$theme        = pay_link_pick( $atts['theme'] ?? '', PAY_LINK_THEMES, 'auto' );
	$lang         = pay_link_pick( $atts['lang'] ?? '', array_merge( array( 'en' ), PAY_LINK_LANGUAGES ), $settings['lang'] );
	$quantity     = isset( $atts['quantity'] ) && is_scalar( $atts['quantity'] ) && preg_match( '/^[1-9][0-9]{0,3}$/D', (string) $atts['quantity'] ) ? (string) $atts['quantity'] : '';

	pay_link_enqueue_widget( $lang );

	// An intent names the whole purchase; a product is the catalog's. Never both: the element takes one of them.
	$attributes = array( 'proxy' => $proxy );
	if ( '' !== $intent ) {
		$attributes['intent'] = $intent;
		$href                 = $proxy . '/pay/' . rawurlencode( $intent );
		$text                 = '' !== $label ? $label : __( 'Pay now', 'pay-link' );
	} else {
		$attributes['product'] = $product;
		if ( '' !== $quantity ) {
			$attributes['quantity'] = $quantity;
		}
		$href = $proxy . '/buy/' . rawurlencode( $product ) . ( '' !== $quantity ? '?quantity=' . $quantity : '' );
		$text = '' !== $label ? $label : pay_link_product_name( $product );
	}
	if ( 'auto' !== $presentation ) {
		$attributes['presentation'] = $presentation;
	}
	if ( 'auto' !== $theme ) {
		$attributes['theme'] = $theme;
	}
	if ( '' !== $lang ) {
		$attributes['lang'] = $lang;
	}
	if ( '' !== $label ) {
		$attributes['label'] = $label;
	}

	$html = '<pay-link-button';
	foreach ( $attributes as $name => $value ) {
		$html .= ' ' . $name . '="' . esc_attr( $value ) . '"';
	}
	$html .= '><a slot="fallback" href="' . esc_url( $href ) . '">' . esc_html( $text ) . '</a></pay-link-button>';

	return '' === $wrapper_attributes ? $html : '<div ' . $wrapper_attributes . '>' . $html . '</div>';
}

/**
 * `$value`, trimmed, when it matches `$pattern` as typed, else ''. Matched before any cleaning, not after:
 * sanitize_text_field would turn `chai%20tin` into `chaitin`, another id than the author wrote.
 */
function pay_link_clean_id( $value, string $pattern ): string {
	$value = is_string( $value ) || is_int( $value ) ? trim( (string) $value ) : '';
	return 1 === preg_match( $pattern, $value ) ? $value : '';
}

/** `$value` when it is one of `$allowed`, else `$fallback`. */
function pay_link_pick( $value, array $allowed, string $fallback ): string {
	$value = is_string( $value ) ? sanitize_key( $value ) : '';
	return in_array( $value, $allowed, true ) ? $value : $fallback;
}

/** The product's name from the proxy's config, for the fallback link; "Buy <id>" when the config lacks it. */
function pay_link_product_name( string $product ): string {
	foreach ( pay_link_get_proxy_config()['products'] ?? array() as $known ) {
		if ( $known['id'] === $product ) {
			/* translators: %s: a product name */
			return sprintf( __( 'Buy %s', 'pay-link' ), $known['name'] );
		}
	}
	/* translators: %s: a product id */
	return sprintf( __( 'Buy %s', 'pay-link' ), $product );
}

/** A visible note for people who can fix the post; nothing for visitors. */
function pay_link_editor_note( string $message ): string {
	if ( ! current_user_can( 'edit_posts' ) ) {
		return '';
	}
	return '<p class="pay-link-note" role="note">' . esc_html( $message ) . '</p>';
}
